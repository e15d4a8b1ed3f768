"""Writes that touch several models, each in one transaction.

Views parse and validate input with the forms in ``meetings/forms.py``; the
functions here write it. Every function is keyword-only and named
``<thing>_<action>``.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from .history import attribute_to, record_in_bulk, recorded_once
from .models import (
    Attachment,
    Meeting,
    MeetingEvent,
    MeetingOrganization,
    Organization,
    Participation,
    Person,
    Position,
    Recommendation,
    RecommendationUpdate,
    Tag,
)
from .models.security import SecurityEvent, record_security_events
from .models.workspace import Membership, Role, organizations_administered_by
from .uploads import check_upload

# --- Meeting content -----------------------------------------------------------

# Fields that are not "what the minutes say": identity, workflow and bookkeeping.
# The workflow fields change only through the state methods (models/workflow.py).
_NOT_CONTENT = {"id", "created_at", "updated_at", "slug", "status", "published_at", "version", "created_by", "updated_by"}
_TRANSLATED = set(translator.get_options_for_model(Meeting).fields)


def content_fields():
    """The meeting's content fields: what an edit saves and what a restore brings back."""
    return [f for f in Meeting._meta.concrete_fields if f.name not in _NOT_CONTENT]


class MeetingConflict(Exception):
    """Someone saved the meeting after this edit started; ``saved`` is their version."""

    def __init__(self, saved):
        super().__init__(f"meeting {saved.pk} is at version {saved.version}")
        self.saved = saved


class MeetingLocked(Exception):
    """The meeting's status no longer lets this user edit it (e.g. it was submitted for review)."""

    def __init__(self, meeting):
        super().__init__(f"meeting {meeting.pk} is {meeting.status}")
        self.meeting = meeting


@dataclass
class Row:
    """One row of a formset, as the forms hand it to the services."""

    instance: Model | None  # the existing object, or None for a new one
    data: dict[str, Any] = field(default_factory=dict)  # cleaned values
    delete: bool = False
    changed: bool = True


def tags_get_or_create(*, names):
    """The tags named ``names`` (without '#'), created when new, in the given order."""
    tags = []
    for name in names:
        tag = Tag.objects.filter(Q(name_ar=name) | Q(name_en=name)).first()
        if tag is None:
            tag = Tag.objects.create(name_ar=name)
        tags.append(tag)
    return tags


@transaction.atomic
def meeting_save(
    *,
    meeting,
    by,
    version=None,
    tags=(),
    stakeholder_groups=(),
    involvements=(),
    participations=(),
    recommendations=(),
    attachments=(),
):
    """Save a meeting and everything entered with it, all or nothing.

    ``meeting`` carries the new values of its own fields; ``version`` is the
    version the edit started from. If the meeting was saved by someone else
    since, :class:`MeetingConflict` is raised and nothing is written: the
    version is claimed with ``UPDATE … WHERE pk = … AND version = …``, which
    only one of two concurrent saves can win (the row stays locked until
    commit). If its status no longer lets ``by`` edit it, :class:`MeetingLocked`.
    """
    created = meeting.pk is None
    if created:
        meeting.status = Meeting.Status.DRAFT
        meeting.published_at = None
        meeting.created_by = by
        meeting.version = 1
    else:
        claimed = Meeting.objects.filter(pk=meeting.pk, version=version).update(version=F("version") + 1)
        if not claimed:
            raise MeetingConflict(Meeting.objects.get(pk=meeting.pk))
        meeting.version = version + 1
        # The workflow fields are not the form's: take them from the row just locked.
        meeting.status, meeting.published_at = Meeting.objects.values_list("status", "published_at").get(pk=meeting.pk)
        if not meeting.can_edit(by):
            raise MeetingLocked(meeting)
    meeting.updated_by = by

    with recorded_once(meeting, by=by, created=created):
        if created:
            meeting.save()
        else:
            names = [f.name for f in content_fields()] + ["version", "updated_by", "updated_at"]
            meeting.save(update_fields=names)
        meeting.tags.set(tags_get_or_create(names=tags))
        meeting.stakeholder_groups.set(stakeholder_groups)

    _save_involvements(meeting, involvements, by)
    if created and meeting.role_of(by) is None:
        # The forms require it; this keeps any other caller from creating a meeting
        # that its own author could not open again.
        raise PermissionDenied(_("One of your organisations must organise or co-organise the meeting."))
    _save_participations(meeting, participations, by)
    _save_recommendations(meeting, recommendations, by)
    _save_attachments(meeting, attachments, by)
    meeting_check_organizations_confirmed(meeting=meeting)
    return meeting


def _live(rows):
    return [row for row in rows if not row.delete]


def _delete_rows(rows, by):
    """Delete the existing objects of rows marked for deletion (their history names ``by``)."""
    for row in rows:
        if row.delete and row.instance is not None and row.instance.pk is not None:
            attribute_to(row.instance, by).delete()


def _assign(obj, values):
    """Set ``values`` on ``obj``; return the names of the fields set (with the untranslated
    column of a translated field, which save() also writes)."""
    for name, value in values.items():
        setattr(obj, name, value)
    names = set(values)
    translated = _TRANSLATED_BY_MODEL.get(type(obj), set())
    return names | {name.rsplit("_", 1)[0] for name in names if name.rsplit("_", 1)[0] in translated}


_TRANSLATED_BY_MODEL = {
    model: set(translator.get_options_for_model(model).fields) for model in (Participation, Recommendation)
}


def _write_rows(model, rows, by):
    """Write the new and the changed rows of ``model`` — ``[(instance, names of the fields
    set)]`` — in a fixed number of statements whatever their number: ``bulk_create``, and
    ``bulk_update`` of the fields whose value differs from the stored row (read in one query).
    The model's QuerySet keeps publicity and search in step, once for all rows
    (meetings/publicity.py, models/searchable.py): a change of only what was said or of the
    order costs no publicity recomputation. Returns the (changed, new) instances."""
    new = [obj for obj, _names in rows if obj.pk is None]
    existing = [(obj, names) for obj, names in rows if obj.pk is not None]
    changed, fields = [], set()
    if existing:
        columns = {name: model._meta.get_field(name).attname for _obj, names in existing for name in names}
        stored = {
            row["pk"]: row for row in model._base_manager.filter(pk__in=[obj.pk for obj, _names in existing]).values("pk", *columns.values())
        }
        for obj, names in existing:
            differing = {name for name in names if stored.get(obj.pk, {}).get(columns[name]) != getattr(obj, columns[name])}
            if differing:
                changed.append(obj)
                fields |= differing
    if changed:
        model.objects.bulk_update(changed, sorted(fields))
    if new:
        model.objects.bulk_create(new)
    return changed, new


def _write_and_record(model, rows, by):
    changed, new = _write_rows(model, rows, by)
    record_in_bulk(model, changed, by=by)
    record_in_bulk(model, new, by=by, created=True)


def _save_involvements(meeting, rows, by):
    _delete_rows(rows, by)
    written = []
    for order, row in enumerate(_live(rows)):
        involvement = row.instance or MeetingOrganization(meeting=meeting)
        if not row.changed and involvement.pk and involvement.order == order:
            continue
        organization = row.data.get("organization") or organization_create(name=row.data["new_organization"], by=by)
        written.append((involvement, _assign(involvement, {"organization": organization, "role": row.data["role"], "order": order})))
    _write_and_record(MeetingOrganization, written, by)


def organization_create(*, name, by):
    """A new organisation known only by its Arabic name, entered from a meeting's form.

    It awaits a reviewer's confirmation (``organization_confirm`` or ``organization_merge``):
    until then it is never public, and no meeting naming it can be published."""
    organization = Organization(name_ar=name.strip(), is_pending=True)
    attribute_to(organization, by).save()
    return organization


def _save_participations(meeting, rows, by):
    _delete_rows(rows, by)
    written = []
    for order, row in enumerate(_live(rows)):
        participation = row.instance or Participation(meeting=meeting)
        data = row.data
        if not row.changed and participation.pk and participation.order == order:
            continue
        person = data.get("person")
        position = data.get("position")
        if position is not None and person is None:
            person = position.person
        if data.get("new_person_name"):
            person = person_create(name=data["new_person_name"], public=data.get("new_person_public", False), by=by)
        if data.get("new_position_title"):
            position = Position(person=person, title_ar=data["new_position_title"].strip(), organization=data.get("organization"))
            attribute_to(position, by).save()
        values = {
            "person": person,
            "position": position,
            "organization": data.get("organization"),
            "role": data["role"],
            "statement_ar": data.get("statement_ar"),
            "statement_en": data.get("statement_en"),
            "order": order,
        }
        written.append((participation, _assign(participation, values)))
    _write_and_record(Participation, written, by)


def person_create(*, name, public=False, by):
    """A new person: protected (never named publicly) unless ``public`` is explicitly set."""
    person = Person(
        name_ar=name.strip(), visibility=Person.Visibility.PUBLIC if public else Person.Visibility.PROTECTED
    )
    attribute_to(person, by).save()
    return person


# Recommendations are numbered by their row; while renumbering, existing rows
# move out of the way first so that the unique (meeting, number) never clashes.
_RENUMBERING_OFFSET = 10000


def _renumber_recommendations(meeting, live):
    """Give the existing recommendations the numbers of their rows, in two statements and
    only if one moves. Recommendations added by someone else and not in this form keep
    their place, after these; new rows get the numbers left free."""
    current = dict(Recommendation.objects.filter(meeting=meeting).order_by("order").values_list("pk", "order"))
    wanted = {}
    for number, row in enumerate(live, start=1):
        if row.instance is not None and row.instance.pk in current:
            wanted[row.instance.pk] = number
    others = [pk for pk in current if pk not in wanted]
    for number, pk in enumerate(others, start=len(live) + 1):
        wanted[pk] = number
    moving = [Recommendation(pk=pk, order=number) for pk, number in wanted.items() if current[pk] != number]
    if moving:
        Recommendation.objects.filter(pk__in=[item.pk for item in moving]).update(order=F("order") + _RENUMBERING_OFFSET)
        Recommendation.objects.bulk_update(moving, ["order"])
    for row in live:
        if row.instance is not None and row.instance.pk in wanted:
            row.instance.order = wanted[row.instance.pk]


def _save_recommendations(meeting, rows, by):
    _delete_rows(rows, by)
    live = _live(rows)
    _renumber_recommendations(meeting, live)
    written, addressees = [], []
    for number, row in enumerate(live, start=1):
        recommendation = row.instance or Recommendation(meeting=meeting)
        if not row.changed and recommendation.pk:
            continue
        data = row.data
        values = {
            "order": number,
            "text_ar": data["text_ar"],
            "text_en": data.get("text_en"),
            "kind": data["kind"],
            "theme": data.get("theme"),
            "priority": data["priority"],
            "due_date": data.get("due_date"),
        }
        written.append((recommendation, _assign(recommendation, values)))
        addressees.append(data.get("addressees") or [])
    # Status and progress are not the form's (they follow the follow-up timeline): not written here.
    changed, new = _write_rows(Recommendation, written, by)
    _set_addressees([obj for obj, _fields in written], addressees)
    # Versions last, with their addressees as just set (one version per changed recommendation).
    record_in_bulk(Recommendation, changed, by=by)
    record_in_bulk(Recommendation, new, by=by, created=True)


def _set_addressees(recommendations, addressees):
    """``recommendations[i].addressees.set(addressees[i])`` for all of them in three statements;
    the organisations added or removed have their publicity recomputed once (when the
    recommendations are in a published meeting: a draft's addressees are nobody's publicity)."""
    from .publicity import in_published, refresh_organizations

    if not recommendations:
        return
    through = Recommendation.addressees.through
    current = {
        (recommendation_id, organization_id): pk
        for pk, recommendation_id, organization_id in through.objects.filter(
            recommendation_id__in=[obj.pk for obj in recommendations]
        ).values_list("pk", "recommendation_id", "organization_id")
    }
    wanted = {(obj.pk, organization.pk) for obj, chosen in zip(recommendations, addressees, strict=True) for organization in chosen}
    removed = [pair for pair in current if pair not in wanted]
    added = [pair for pair in wanted if pair not in current]
    if removed:
        through.objects.filter(pk__in=[current[pair] for pair in removed]).delete()
    if added:
        through.objects.bulk_create(
            [through(recommendation_id=recommendation, organization_id=organization) for recommendation, organization in added]
        )
    touched = {organization for _recommendation, organization in removed + added}
    if touched and in_published(Recommendation, [obj.pk for obj in recommendations]):
        refresh_organizations(touched)


def _save_attachments(meeting, rows, by):
    for row in rows:
        attachment = row.instance
        if row.delete:
            if attachment is not None and attachment.pk:
                attachment_delete(attachment=attachment)
            continue
        if attachment is not None and attachment.pk:
            if row.changed:
                attachment.kind = row.data["kind"]
                attachment.title = row.data.get("title") or attachment.title
                attachment.is_public = row.data.get("is_public", False)
                attachment.save(update_fields=["kind", "title", "is_public"])
            continue
        attachment_add(
            meeting=meeting,
            file=row.data["file"],
            kind=row.data["kind"],
            title=row.data.get("title"),
            is_public=row.data.get("is_public", False),
            by=by,
        )


def attachment_add(*, meeting, file, kind, title="", is_public=False, by):
    """Keep an uploaded file with ``meeting`` under a generated name, after checking its content."""
    content_type = check_upload(file)
    attachment = Attachment(
        meeting=meeting,
        kind=kind,
        title=(title or "").strip() or file.name.rsplit(".", 1)[0][:200] or str(_("Attachment")),
        is_public=is_public,
        content_type=content_type,
        size=file.size,
        uploaded_by=by,
    )
    attachment.file = file
    attachment.save()
    return attachment


def attachment_delete(*, attachment):
    """Remove the attachment, and its file once the transaction has committed."""
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- History --------------------------------------------------------------------


@transaction.atomic
def meeting_restore(*, meeting, record, by):
    """Bring back the content of an earlier version of ``meeting`` (an act of an administrator of its organisation).

    The restore is a new version, by ``by``, and a line in the review log; the
    meeting's status does not change (publishing stays a reviewer's decision),
    and its recommendations, participants and organisations, each versioned on
    their own, are left as they are.
    """
    if meeting.role_of(by) != Role.ADMINISTRATOR:
        raise PermissionDenied
    if record.id != meeting.pk:
        raise ValidationError(_("This version belongs to another meeting."))
    earlier = record.instance
    for model_field in content_fields():
        if model_field.name in _TRANSLATED:
            continue  # the per-language columns are restored; the base one follows the language
        setattr(meeting, model_field.attname, getattr(earlier, model_field.attname))
    Meeting.objects.filter(pk=meeting.pk).update(version=F("version") + 1)
    meeting.version = Meeting.objects.values_list("version", flat=True).get(pk=meeting.pk)
    meeting.updated_by = by
    # Stored as codes, not sentences: the history is read in either language.
    restored_from = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")
    with recorded_once(meeting, by=by, reason=MeetingEvent.Action.RESTORED):
        names = [f.name for f in content_fields()] + ["version", "updated_by", "updated_at"]
        meeting.save(update_fields=names)
        meeting.tags.set(Tag.objects.filter(pk__in=record.tags.values("tag")))
        meeting.stakeholder_groups.set(
            meeting.stakeholder_groups.model.objects.filter(pk__in=record.stakeholder_groups.values("stakeholdergroup"))
        )
    if meeting.status == Meeting.Status.PUBLISHED:
        from .protection import unaccepted_findings

        if unaccepted_findings(meeting):
            # A published meeting's restore is live at once, and no reviewer saw what it brings back.
            raise ValidationError(
                _(
                    "This version was not restored: the meeting is public, and this version names a protected "
                    "person. Unpublish the meeting first; it is then checked again when a reviewer publishes it."
                ),
                code="protected_names",
            )
    MeetingEvent.objects.create(meeting=meeting, action=MeetingEvent.Action.RESTORED, by=by, comment=restored_from)
    return meeting


# --- Nothing public without a reviewer: organisations awaiting confirmation ----------


class PendingOrganizations(ValidationError):
    """A published meeting would name an organisation that no reviewer has confirmed."""


def meeting_check_organizations_confirmed(*, meeting):
    """Refuse (and so roll back) a save that leaves a published meeting naming a pending organisation."""
    if meeting.status != Meeting.Status.PUBLISHED:
        return
    pending = [str(organization) for organization in meeting.pending_organizations()]
    if pending:
        raise PendingOrganizations(
            _(
                "A published meeting cannot name an organisation that a reviewer has not confirmed: %(names)s. "
                "Choose a confirmed organisation, or unpublish the meeting first."
            ),
            code="pending_organization",
            params={"names": ", ".join(pending)},
        )


def _check_confirmable(organization, by):
    if not Organization.objects.confirmable_by(by).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("Only a reviewer of an organisation that organises a meeting naming it can confirm it."))


def _check_organised_meetings(organization, into, by):
    """A merge hands the meetings ``organization`` (co-)organises to ``into``, and with them a role
    on those meetings to ``into``'s members. Refused (a site administrator may) when one of those
    meetings is not ``by``'s own (a reviewer of one organisation cannot hand another's draft to
    anyone), or when it would raise ``by``'s own role on one of them: the rule a change of a
    meeting's organisers follows (``organisers_change_refusals``), which a pending organisation
    typed into the form and then merged would otherwise get round."""
    from .models import Membership
    from .models.workspace import ORGANISING_ROLES, RANK, is_site_administrator, organizations_of

    if is_site_administrator(by):
        return
    organised = MeetingOrganization.objects.filter(organization=organization, role__in=ORGANISING_ROLES)
    if organised.exclude(meeting__in=Meeting.objects.for_user(by).values("pk")).exists():
        raise ValidationError(
            _(
                "“%(name)s” organises meetings that none of your organisations organise: merging it would hand "
                "them to another organisation. Ask a site administrator to merge it."
            )
            % {"name": organization},
            code="merge_elsewhere",
        )
    role_in_into = Membership.objects.of(by).filter(organization=into).values_list("role", flat=True).first()
    if role_in_into is None:
        return
    as_strong = organizations_of(by, roles=[role for role in RANK if RANK[role] >= RANK[role_in_into]])
    held = MeetingOrganization.objects.filter(
        meeting=OuterRef("meeting"), role__in=ORGANISING_ROLES, organization__in=as_strong
    )
    if organised.filter(~Exists(held)).exists():
        raise ValidationError(
            _(
                "Merging “%(name)s” into “%(into)s” would give you a higher role on meetings it organises than "
                "you hold now. Ask a reviewer of those meetings' organisations, or a site administrator, to merge it."
            )
            % {"name": organization, "into": into},
            code="merge_raises_role",
        )


@transaction.atomic
def organization_confirm(*, organization, by):
    """A reviewer confirms that a pending organisation is a real, new one: it may now be public."""
    _check_confirmable(organization, by)
    organization.is_pending = False
    attribute_to(organization, by, reason="confirmed").save(update_fields=["is_pending", "updated_at"])
    from .publicity import refresh_organizations

    refresh_organizations([organization.pk])
    return organization


# Every relation of Organization, and how a merge moves it (tests check none is missing).
MERGED_RELATIONS = (
    "memberships",
    "meetings",  # through involvements
    "involvements",
    "participations",
    "units",
    "positions",
    "implemented_projects",
    "funded_projects",
    "addressed_recommendations",
)


def _lock_records_naming(organization):
    """Lock the meetings, then the recommendations, whose organisations a merge of
    ``organization`` changes, each in the order of their keys, before it moves a row. Returns
    the meetings whose summary counts the merge may change: those, and those of the
    recommendations.

    Each move fires a trigger that locks the meeting or recommendation whose copy of its
    organisations changes (search/schema.py, "The organisations beside the words"). Taken there,
    that lock would come after the lock on the moved row: a staff save of the same meeting takes
    them the other way round (it claims the meeting's version, then writes its rows), and the two
    would deadlock. Taken here, they come in the staff save's order: a merge waits for the save,
    or the save for the merge."""
    involved = MeetingOrganization.objects.filter(organization=organization).values("meeting")
    represented = Participation.objects.filter(organization=organization).values("meeting")
    meetings = Meeting.objects.filter(Q(pk__in=involved) | Q(pk__in=represented))
    locked = {pk for (pk,) in meetings.order_by("pk").select_for_update().values_list("pk")}
    addressed = Recommendation.addressees.through.objects.filter(organization=organization).values("recommendation")
    recommendations = Recommendation.objects.filter(pk__in=addressed).order_by("pk").select_for_update()
    return locked | {meeting for _pk, meeting in recommendations.values_list("pk", "meeting_id")}


def _move_links(through, owner, old, into):
    """Rows of a many-to-many table (``owner``: the column that is not the organisation) that
    name ``old`` name ``into``, in two statements; a row whose owner already names ``into``
    goes. Returns the owners' ids."""
    rows = through.objects.filter(organization=old)
    owners = list(rows.values_list(owner, flat=True))
    rows.filter(**{f"{owner}__in": through.objects.filter(organization=into).values(owner)}).delete()
    rows.update(organization=into)
    return owners


def _move_memberships(old, into, by):
    """The pending organisation's members get its role in ``into`` when ``by`` administers
    ``into``; otherwise they leave with it: only an administrator of ``into`` gives someone a role
    there (meetings/members.py), not a reviewer of a meeting. Either way each role given or lost
    goes to the security log, as on the members page."""
    members = list(Membership.objects.filter(organization=old).select_related("user").order_by("pk"))
    if not members:
        return
    given = []
    if organizations_administered_by(by).filter(pk=into.pk).exists():
        already = set(
            Membership.objects.filter(organization=into, user__in=[member.user_id for member in members])
            .values_list("user_id", flat=True)
        )
        _move_links(Membership, "user_id", old, into)
        given = [member for member in members if member.user_id not in already]
    lost = [member for member in members if member not in given]
    record_security_events(SecurityEvent.Action.MEMBER_ADDED, [
        (f"{member.user.get_username()} — {into} (#{into.pk})", f"role={member.role} (merged from {old} #{old.pk})")
        for member in given
    ], user=by)
    record_security_events(SecurityEvent.Action.MEMBER_REMOVED, [
        (f"{member.user.get_username()} — {old} (#{old.pk})", f"role={member.role} (merged into {into} #{into.pk})")
        for member in lost
    ], user=by)


def _move_and_record(model, rows, by, **values):
    """``rows.update(**values)``, then one version of each moved row. Written without the model
    QuerySet's upkeep: the merge keeps the counts, publicity and search documents itself."""
    pks = list(rows.values_list("pk", flat=True))
    if pks:
        QuerySet.update(model.objects.filter(pk__in=pks), **values)
        record_in_bulk(model, model.objects.filter(pk__in=pks), by=by)


@transaction.atomic
def organization_merge(*, organization, into, by):
    """A pending organisation was a duplicate of ``into``: every reference to it now names
    ``into``, then it is deleted. Returns ``into``.

    A bulk import can name one pending organisation in thousands of meetings and recommendations:
    every kind of reference moves in a fixed number of statements, whatever their number, with one
    version of each moved row, and the summary counts change once for all of its meetings."""
    from . import tallies
    from .models import Position, Project
    from .models.recommendations import SEARCH_CONTEXT_ROLES
    from .models.searchable import dependents_of, refresh_or_leave, search_columns
    from .publicity import refresh_organizations

    _check_confirmable(organization, by)
    if into.pk == organization.pk or into.is_pending:
        raise ValidationError(_("Choose a confirmed organisation to merge into."), code="merge_target")
    if not Organization.objects.usable_by(by).filter(pk=into.pk).exists():
        raise PermissionDenied
    _check_organised_meetings(organization, into, by)
    old = organization
    with tallies.counting(_lock_records_naming(old)):
        # The rows move without their QuerySets' upkeep: the counts change once, when ``counting``
        # ends; ``into``'s publicity is recomputed below (the people's does not change); no search
        # document names a pending organisation (``_recommendation_search_related``), so only the
        # recommendations of the meetings ``into`` now organises change.
        # An involvement whose meeting already has ``into`` in the same role goes (one row per
        # meeting and role); the others name ``into``.
        involvements = MeetingOrganization.objects.filter(organization=old)
        twice = list(involvements.filter(
            Exists(MeetingOrganization.objects.filter(meeting=OuterRef("meeting"), organization=into, role=OuterRef("role")))
        ))
        if twice:
            record_in_bulk(MeetingOrganization, twice, by=by, deleted=True)
            MeetingOrganization.objects.filter(pk__in=[row.pk for row in twice])._raw_delete(MeetingOrganization.objects.db)
        roles = dict(involvements.values_list("pk", "role"))
        _move_and_record(MeetingOrganization, involvements, by, organization=into)
        # They gain ``into``'s name, which their pages show at once: past SEARCH_REFILL_NOW, refilled
        # by ``refill_search`` (a thousand meetings' 9,841 recommendations took 28.6 s in all).
        into._search_refills_waiting = refresh_or_leave(
            dependents_of(MeetingOrganization, [pk for pk, role in roles.items() if role in SEARCH_CONTEXT_ROLES])
        )
        _move_and_record(Participation, Participation.objects.filter(organization=old), by, organization=into)
        _move_and_record(Position, Position.objects.filter(organization=old), by, organization=into)
        units = Organization.objects.filter(parent=old)
        _move_and_record(Organization, units.filter(pk=into.pk), by, parent=None, updated_at=timezone.now())  # never its own parent
        _move_and_record(Organization, units, by, parent=into, updated_at=timezone.now())
        addressed = _move_links(Recommendation.addressees.through, "recommendation_id", old, into)
        record_in_bulk(Recommendation, Recommendation.objects.filter(pk__in=addressed).defer(*search_columns()), by=by)
        for field in (Project.implementers.field, Project.donors.field):
            _move_links(field.remote_field.through, "project_id", old, into)
        _move_memberships(old, into, by)
    # Many-to-many rows moved without signals: whether ``into`` appears in published records.
    refresh_organizations([into.pk])
    attribute_to(old, by, reason="merged").delete()
    return into


# --- Nothing public without a reviewer: follow-up updates ------------------------------


@transaction.atomic
def recommendation_follow_up_record(
    *, recommendation, by, status, progress=None, date=None, note_ar="", note_en="", evidence_url="",
    meeting=None, evidence_file=None, evidence_public=False
):
    """Record follow-up from the workspace: the update (and its evidence file) waits for a
    reviewer of the recommendation's meeting and changes nothing public until approved."""
    if not Recommendation.objects.followable_by(by).filter(pk=recommendation.pk).exists():
        raise PermissionDenied
    return recommendation.set_status(
        status,
        progress=progress,
        note=note_ar or "",
        note_en=note_en or "",
        on=date,
        by=by,
        evidence_url=evidence_url or "",
        meeting=meeting,
        evidence_file=evidence_file,
        evidence_public=evidence_public,
        pending=True,
    )


def _locked_update(update):
    return RecommendationUpdate.objects.select_for_update().select_related("recommendation__meeting").get(pk=update.pk)


@transaction.atomic
def recommendation_update_approve(*, update, by):
    """A reviewer of the recommendation's meeting approves a pending update: it becomes
    public, and the recommendation's status and progress follow it if it is the latest."""
    update = _locked_update(update)
    if not update.can_review(by):
        raise PermissionDenied(_("Only a reviewer of the organisation that organised the meeting can review its follow-up."))
    if update.review_state != RecommendationUpdate.Review.PENDING:
        raise ValidationError(_("This update is not awaiting review."), code="not_pending")
    from .protection import protected_names_in_update

    if names := protected_names_in_update(update):
        raise ValidationError(
            _(
                "This update was not approved: it names a protected person (%(names)s), and approving it would "
                "make it public. Return it to its author to take the name out."
            )
            % {"names": get_text_list(names, _("and"))},
            code="protected_names",
        )
    update.review_state = RecommendationUpdate.Review.APPROVED
    update.reviewed_by, update.reviewed_at, update.review_comment = by, timezone.now(), ""
    update.save(update_fields=["review_state", "reviewed_by", "reviewed_at", "review_comment"])
    return update


@transaction.atomic
def recommendation_update_return(*, update, by, comment):
    """A reviewer sends a pending update back to its author with a comment (required)."""
    update = _locked_update(update)
    if not update.can_review(by):
        raise PermissionDenied(_("Only a reviewer of the organisation that organised the meeting can review its follow-up."))
    if update.review_state != RecommendationUpdate.Review.PENDING:
        raise ValidationError(_("This update is not awaiting review."), code="not_pending")
    if not (comment or "").strip():
        raise ValidationError(_("Say what needs to change: the author will read your comment."), code="comment")
    update.review_state = RecommendationUpdate.Review.RETURNED
    update.reviewed_by, update.reviewed_at, update.review_comment = by, timezone.now(), comment.strip()
    update.save(update_fields=["review_state", "reviewed_by", "reviewed_at", "review_comment"])
    return update


def recommendation_update_editable_by(update, user):
    """Whether ``user`` may correct and resubmit ``update``: it is not approved, and they wrote
    it or may record follow-up on its recommendation."""
    if update.review_state == RecommendationUpdate.Review.APPROVED:
        return False
    if update.author_id is not None and update.author_id == getattr(user, "pk", None):
        return Recommendation.objects.followable_by(user).filter(pk=update.recommendation_id).exists()
    return False


@transaction.atomic
def recommendation_update_resubmit(
    *, update, by, status, progress=None, date=None, note_ar="", note_en="", evidence_url="",
    meeting=None, evidence_file=None, evidence_public=False
):
    """The author corrects a returned (or still pending) update: it waits for review again."""
    update = _locked_update(update)
    if not recommendation_update_editable_by(update, by):
        raise PermissionDenied(_("Only its author can correct an update that is not approved yet."))
    recommendation = update.recommendation
    if progress is None:
        progress = 100 if status == Recommendation.Status.IMPLEMENTED else update.progress
    update.status, update.progress = status, progress
    update.date = date or update.date
    update.note_ar, update.note_en = note_ar or "", note_en or None
    update.evidence_url, update.meeting = evidence_url or "", meeting
    update.full_clean(exclude=["recommendation"])
    if evidence_file is not None:
        previous = update.evidence
        update.evidence = attachment_add(
            meeting=recommendation.meeting,
            file=evidence_file,
            kind=Attachment.Kind.EVIDENCE,
            title=(note_ar or str(_("Evidence of follow-up")))[:200],
            is_public=evidence_public,
            by=by,
        )
        if previous is not None:
            attachment_delete(attachment=previous)
    elif update.evidence is not None and update.evidence.is_public != evidence_public:
        update.evidence.is_public = evidence_public
        update.evidence.save(update_fields=["is_public"])
    update.review_state = RecommendationUpdate.Review.PENDING
    attribute_to(update, by).save()
    return update
