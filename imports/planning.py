"""What an import would do, row by row, before anything is written.

:func:`plan_import` checks every row of the sheets read (imports/reading.py) and decides, for
each, what it becomes: a new draft meeting, an organisation found by its normalised name or a
new one awaiting confirmation, a person found or new (protected unless marked public), a
recommendation, a follow-up update awaiting review — or that it was imported before and is
skipped. The preview shows the plan; the confirmation writes it (imports/writing.py).
Nothing here writes to the database, and the number of queries does not grow with the rows.
"""

from django.utils.translation import gettext_lazy as _

from meetings.models import (
    Meeting,
    MeetingOrganization,
    Participation,
    Person,
    Recommendation,
    RecommendationUpdate,
)
from meetings.models.workspace import ORGANISING_ROLES
from search.normalization import normalize

from .columns import FOLLOW_UP, KINDS, KINDS_BY_KEY, MEETINGS, ORGANIZATIONS, PARTICIPANTS, RECOMMENDATIONS
from .columns import CellError, parse_cell, split_names
from .matching import Governorates, Organizations, People
from .models import ImportedRecord
from .plan import Plan, RowPlan, SheetPlan, row_key


def _parse_row(row, kind, cells):
    values = {}
    for column in kind.columns:
        try:
            values[column.key] = parse_cell(column, cells.get(column.key, ""))
        except CellError as error:
            row.error(column, str(error))
    return values


def plan_import(*, sheets, organization, user, progress=None):
    """The plan of importing ``sheets`` into ``organization``'s meetings as ``user``."""
    plan = Plan(organization=organization, user=user)
    plan.organizations = Organizations(user)
    plan.people = People(user)
    by_kind = {sheet["kind"]: sheet for sheet in sheets}
    refs = set()
    for sheet in sheets:
        refs |= {normalize(cells.get("meeting_ref", "")) for _number, cells in sheet["rows"]}
    imported = _imported_meetings(organization, refs, plan)
    meetings = {}  # normalised ref -> Meeting (new) ; previously imported: in ``imported``
    planners = {
        MEETINGS: _plan_meeting,
        ORGANIZATIONS: _plan_involvement,
        PARTICIPANTS: _plan_participation,
        RECOMMENDATIONS: _plan_recommendation,
        FOLLOW_UP: _plan_follow_up,
    }
    state = {"meetings": meetings, "imported": imported, "governorates": Governorates(), "recommendations": {}, "seen": set()}
    for kind in KINDS:  # meetings first: the other sheets refer to them
        sheet = by_kind.get(kind.key)
        if sheet is None:
            continue
        if kind is FOLLOW_UP:
            state["existing_recommendations"] = _existing_recommendations(plan, imported, sheet)
            state["imported_updates"] = _imported_updates(organization, sheet)
        sheet_plan = SheetPlan(kind=KINDS_BY_KEY[kind.key], source=sheet["source"])
        plan.sheets.append(sheet_plan)
        if progress:
            progress.start(str(kind.label), len(sheet["rows"]))
        for number, cells in sheet["rows"]:
            row = RowPlan(number=number)
            values = _parse_row(row, kind, cells)
            planners[kind](plan, state, row, values)
            sheet_plan.rows.append(row)
            if progress:
                progress.advance()
    _organisers(plan, state)
    return plan


def _imported_meetings(organization, refs, plan):
    """Meetings of earlier imports of this organisation, by normalised reference (one query each)."""
    keys = {row_key("meeting", ref): ref for ref in refs if ref}
    records = dict(
        ImportedRecord.objects.filter(organization=organization, key__in=list(keys)).values_list("key", "object_id")
    )
    found = Meeting.objects.in_bulk(list(records.values()))
    imported = {}
    for key, object_id in records.items():
        if object_id in found:
            imported[keys[key]] = found[object_id]
        else:
            plan.stale_keys.append(key)  # the meeting was deleted since: import it again
    return imported


def _meeting_of(plan, state, row, values):
    """The meeting a row under a meeting names: (meeting, new?) or None with an error."""
    ref = normalize(values.get("meeting_ref") or "")
    if not ref:
        return None
    if ref in state["meetings"]:
        return state["meetings"][ref], True
    if ref in state["imported"]:
        meeting = state["imported"][ref]
        return meeting, False
    row.error(MEETINGS.column("meeting_ref"), _("No meeting has this reference in the meetings sheet."))
    return None


def _plan_meeting(plan, state, row, values):
    ref = normalize(values.get("meeting_ref") or "")
    row.label = values.get("title") or ""
    if ref and (ref in state["meetings"] or ref in state["seen"]):
        row.error(MEETINGS.column("meeting_ref"), _("Another row of the meetings sheet has this reference."))
        return
    state["seen"].add(ref)
    if ref in state["imported"]:
        meeting = state["imported"][ref]
        row.skipped = True
        row.actions.append(_("Imported before: skipped, with its organisations, participants and recommendations."))
        plan.skipped_meetings.append(meeting)
        return
    governorate = None
    if values.get("governorate"):
        governorate = state["governorates"].get(values["governorate"])
        if governorate is None:
            row.error(MEETINGS.column("governorate"), _("No governorate has this name."))
    total, women, men = values.get("attendance_total"), values.get("attendance_women"), values.get("attendance_men")
    if total is not None and (women or 0) + (men or 0) > total:
        row.error(MEETINGS.column("attendance_total"), _("Women and men attending cannot exceed the total attendance."))
    if row.errors or not ref:
        return
    meeting = Meeting(
        title_ar=values["title"],
        date=values["date"],
        kind=values.get("kind") or Meeting.Kind.CONSULTATIVE,
        governorate=governorate,
        city_ar=values.get("city") or "",
        venue_ar=values.get("venue") or "",
        summary_ar=values.get("summary") or "",
        attendance_total=total,
        attendance_women=women,
        attendance_men=men,
        source_url=values.get("source_url") or "",
        status=Meeting.Status.DRAFT,  # never published by an import: a reviewer publishes it
        created_by=plan.user,
        updated_by=plan.user,
    )
    if values.get("title_en"):
        meeting.title_en = values["title_en"]
    meeting._import_ref = values["meeting_ref"]
    state["meetings"][ref] = meeting
    plan.meetings.append((row_key("meeting", ref), meeting))
    row.actions.append(_("New draft meeting, for review."))


def _organization(plan, row, name):
    organization, new = plan.organizations.resolve(name)
    if new:
        close = plan.organizations.close_to(organization.name_ar)
        if close:
            row.actions.append(
                _("New organisation «%(name)s», awaiting confirmation; close to: %(close)s.")
                % {"name": name, "close": "، ".join(o.name_ar for o in close)}
            )
        else:
            row.actions.append(_("New organisation «%(name)s», awaiting confirmation.") % {"name": name})
    else:
        plan.matched_organizations[organization.pk] = organization
        row.actions.append(_("Organisation found: «%(name)s».") % {"name": organization.name_ar})
    return organization


def _identity(organization):
    return ("pk", organization.pk) if organization.pk is not None else ("new", id(organization))


def _new_meeting(row, found):
    """The meeting a row of a meeting's sheet adds to, or None: when the row has errors, or
    its meeting was imported before (the row is then skipped, as the meeting's own row was)."""
    if found is None or row.errors:
        return None
    meeting, new = found
    if not new:
        row.skipped = True
        row.actions.append(_("Meeting imported before: skipped."))
        return None
    return meeting


def _plan_involvement(plan, state, row, values):
    row.label = values.get("organization") or ""
    found = _meeting_of(plan, state, row, values)
    meeting = _new_meeting(row, found)
    if meeting is None:
        return
    organization = _organization(plan, row, values["organization"])
    pairs = meeting.__dict__.setdefault("_import_involvements", set())
    pair = (_identity(organization), values["role"])
    if pair in pairs:
        row.error(ORGANIZATIONS.column("organization"), _("This organisation is already listed in this role."))
        return
    pairs.add(pair)
    plan.involvements.append(MeetingOrganization(meeting=meeting, organization=organization, role=values["role"]))


def _plan_participation(plan, state, row, values):
    name, post, organization_name = values.get("name"), values.get("post"), values.get("organization")
    row.label = " — ".join(part for part in (name, post, organization_name) if part)
    found = _meeting_of(plan, state, row, values)
    if not (name or post or organization_name):
        row.error(PARTICIPANTS.column("name"), _("Give a name, a post or an organisation."))
    if post and not name:
        row.error(PARTICIPANTS.column("name"), _("A post is recorded with the person holding it: give the name too (they stay protected unless marked public)."))
    meeting = _new_meeting(row, found)
    if meeting is None:
        return
    organization = _organization(plan, row, organization_name) if organization_name else None
    person = position = None
    visibility = values.get("visibility")
    if name:
        person, new_person = plan.people.resolve(name, visibility)
        if new_person:
            row.actions.append(
                _("New person, public.") if person.visibility == Person.Visibility.PUBLIC else _("New person, protected.")
            )
        else:
            plan.matched_people[person.pk] = person
            if visibility == Person.Visibility.PROTECTED and person.visibility == Person.Visibility.PUBLIC:
                plan.to_protect[person.pk] = person
                row.actions.append(_("Person found; the file marks them protected: they will no longer be named publicly."))
            elif visibility == Person.Visibility.PUBLIC and person.visibility != Person.Visibility.PUBLIC:
                row.actions.append(_("Person found; they stay protected (an import never makes a protected person public)."))
            else:
                row.actions.append(_("Person found."))
    if post:
        position, new_position = plan.people.position(person, post, organization)
        if new_position:
            row.actions.append(_("New post: «%(title)s».") % {"title": post})
        elif not position.held_on(meeting.date):
            row.error(PARTICIPANTS.column("post"), _("This post was not held on the day of the meeting."))
            return
    plan.participations.append(
        Participation(
            meeting=meeting,
            person=person,
            position=position,
            organization=organization,
            role=values.get("role") or Participation.Role.SPEAKER,
            statement_ar=values.get("statement") or "",
        )
    )


def _plan_recommendation(plan, state, row, values):
    row.label = (values.get("text") or "")[:120]
    found = _meeting_of(plan, state, row, values)
    meeting = _new_meeting(row, found)
    if meeting is None:
        return
    key = (id(meeting), values["number"])
    if key in state["recommendations"]:
        row.error(RECOMMENDATIONS.column("number"), _("Another recommendation of this meeting has this number."))
        return
    recommendation = Recommendation(
        meeting=meeting,
        order=values["number"],
        text_ar=values["text"],
        kind=values.get("kind") or Recommendation.Kind.RECOMMENDATION,
        priority=values.get("priority") or Recommendation.Priority.MEDIUM,
        due_date=values.get("due_date"),
    )
    names = split_names(values.get("addressees"))
    if any(len(name) > 250 for name in names):
        row.error(RECOMMENDATIONS.column("addressees"), _("Too long: at most %(limit)s characters.") % {"limit": 250})
        return
    state["recommendations"][key] = recommendation
    addressees = [_organization(plan, row, name) for name in names]
    addressees = list({id(organization): organization for organization in addressees}.values())
    plan.recommendations.append((recommendation, addressees))
    row.actions.insert(0, _("New recommendation."))


def _existing_recommendations(plan, imported, sheet):
    """The recommendations of earlier imports that follow-up rows may name, that ``user`` may follow."""
    wanted = {normalize(cells.get("meeting_ref", "")) for _number, cells in sheet["rows"]}
    meeting_ids = [meeting.pk for ref, meeting in imported.items() if ref in wanted]
    if not meeting_ids:
        return {}
    rows = Recommendation.objects.followable_by(plan.user).filter(meeting_id__in=meeting_ids).only("pk", "meeting_id", "order", "meeting")
    return {(recommendation.meeting_id, recommendation.order): recommendation for recommendation in rows}


def _follow_up_key(values):
    return row_key(
        "follow_up", values.get("meeting_ref"), values.get("number"), values.get("date"), values.get("status"),
        values.get("progress"), values.get("note"),
    )


def _imported_updates(organization, sheet):
    keys = []
    for _number, cells in sheet["rows"]:
        values = {}
        for column in FOLLOW_UP.columns:
            try:
                values[column.key] = parse_cell(column, cells.get(column.key, ""))
            except CellError:
                values[column.key] = None
        keys.append(_follow_up_key(values))
    return set(ImportedRecord.objects.filter(organization=organization, key__in=keys).values_list("key", flat=True))


def _plan_follow_up(plan, state, row, values):
    row.label = (values.get("note") or "")[:120]
    found = _meeting_of(plan, state, row, values)
    status, progress = values.get("status"), values.get("progress")
    if status == Recommendation.Status.IMPLEMENTED:
        if progress not in (None, 100):
            row.error(FOLLOW_UP.column("progress"), _("An implemented recommendation has 100% progress."))
        progress = 100
    if found is None or row.errors:
        return
    meeting, new = found
    key = _follow_up_key(values)
    if key in state["imported_updates"]:
        row.skipped = True
        row.actions.append(_("Imported before: skipped."))
        return
    if new:
        recommendation = state["recommendations"].get((id(meeting), values["number"]))
    else:
        recommendation = state["existing_recommendations"].get((meeting.pk, values["number"]))
    if recommendation is None:
        row.error(FOLLOW_UP.column("number"), _("The meeting has no recommendation with this number."))
        return
    state["imported_updates"].add(key)
    update = RecommendationUpdate(
        recommendation=recommendation,
        date=values["date"],
        status=status,
        progress=progress or 0,
        note_ar=values.get("note") or "",
        evidence_url=values.get("evidence_url") or "",
        author=plan.user,
        review_state=RecommendationUpdate.Review.PENDING,  # a reviewer approves it before it is public
    )
    plan.updates.append((key, update))
    row.actions.append(_("New follow-up update, awaiting review."))


def _organisers(plan, state):
    """The importing organisation organises every new meeting (unless the file already says
    it organises or co-organises it): the meetings are its own, in its workspace."""
    ours = plan.organization
    for _key, meeting in plan.meetings:
        pairs = meeting.__dict__.get("_import_involvements", set())
        organising = {role for identity, role in pairs if identity == _identity(ours)}
        if not organising & set(ORGANISING_ROLES):
            plan.involvements.append(
                MeetingOrganization(meeting=meeting, organization=ours, role=MeetingOrganization.Role.ORGANISER)
            )
