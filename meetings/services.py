"""Writes that touch several models, each in one transaction.

Views parse and validate input with the forms in ``meetings/forms.py``; the
functions here write it. Every function is keyword-only and named
``<thing>_<action>``.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Model, Q
from django.utils import timezone
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
    Tag,
)
from .models.workspace import is_administrator
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
    """A new organisation known only by its Arabic name, entered from a meeting's form."""
    organization = Organization(name_ar=name.strip())
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
    the organisations added or removed have their publicity recomputed once."""
    from .publicity import refresh_organizations

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
    if touched:
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
    """Bring back the content of an earlier version of ``meeting`` (an administrator's act).

    The restore is a new version, by ``by``, and a line in the review log; the
    meeting's status does not change (publishing stays a reviewer's decision),
    and its recommendations, participants and organisations, each versioned on
    their own, are left as they are.
    """
    if not is_administrator(by):
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
    MeetingEvent.objects.create(meeting=meeting, action=MeetingEvent.Action.RESTORED, by=by, comment=restored_from)
    return meeting
