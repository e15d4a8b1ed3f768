"""Writing an import plan (imports/planning.py): all of it in one transaction, or nothing.

Each kind of record is written with one ``bulk_create`` per 500 rows, in the order the
foreign keys need; the models' QuerySets keep search, publicity and the summary counts in
step (models/searchable.py, meetings/publicity.py, meetings/tallies.py) and
``record_in_bulk`` writes one version per record, as the meeting form does
(meetings/services.py). Meetings arrive as drafts, new organisations awaiting a reviewer's
confirmation, follow-up updates awaiting review: an import publishes nothing.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from meetings.history import record_in_bulk
from meetings.models import (
    Meeting,
    MeetingOrganization,
    Organization,
    Participation,
    Person,
    Position,
    Recommendation,
    RecommendationUpdate,
)
from meetings.publicity import refresh_organizations
from meetings.protection import withhold_texts_naming

from .access import may_import
from .matching import unique_slugs
from .models import ImportedRecord, ImportUpload

BATCH = 500


class ImportHasErrors(Exception):
    """The plan has errors: nothing may be written."""


def _create(model, objects, by, progress=None):
    objects = list(objects)
    if not objects:
        return objects
    if progress:
        progress.start(str(model._meta.verbose_name_plural), len(objects))
    # One call: the QuerySet's search, publicity and summary-count upkeep runs once for all
    # rows; Django splits the INSERT itself into statements of BATCH rows.
    model.objects.bulk_create(objects, batch_size=BATCH)
    if progress:
        progress.advance(len(objects))
    if model is not Recommendation:  # recommendations: after their addressees (see below)
        record_in_bulk(model, objects, by=by, created=True)
    return objects


@transaction.atomic
def records_import(*, plan, upload=None, progress=None):
    """Write ``plan``; returns the result (what was created and matched, as JSON-ready lists)."""
    by, organization = plan.user, plan.organization
    if not may_import(by, organization):
        raise PermissionDenied
    if plan.has_errors:
        raise ImportHasErrors
    if plan.stale_keys:
        ImportedRecord.objects.filter(organization=organization, key__in=plan.stale_keys).delete()

    new_organizations = list(plan.organizations.new.values())
    unique_slugs(Organization, new_organizations, lambda o: o.name_ar)
    _create(Organization, new_organizations, by, progress)

    if plan.to_protect:
        protected = list(plan.to_protect.values())
        Person.objects.filter(pk__in=[person.pk for person in protected]).update(
            visibility=Person.Visibility.PROTECTED, updated_at=timezone.now()
        )
        for person in protected:
            person.visibility = Person.Visibility.PROTECTED
        record_in_bulk(Person, protected, by=by)
        # What was published while they were public may name them (meetings/protection.py); the
        # importer may take off the site only what they could unpublish themselves.
        withheld = withhold_texts_naming(protected, by=by, limit=settings.WITHHOLD_NOW, within_authority=True)
        plan.withheld = {"meetings": len(withheld.meetings), "updates": len(withheld.updates)}
    _create(Person, plan.people.new.values(), by, progress)
    _create(Position, plan.people.new_positions.values(), by, progress)

    meetings = [meeting for _key, meeting in plan.meetings]
    unique_slugs(Meeting, meetings, lambda m: f"{m.date.isoformat()} {m.title_ar}")
    _create(Meeting, meetings, by, progress)
    for order, involvement in enumerate(plan.involvements):
        involvement.order = order % 1000
    _create(MeetingOrganization, plan.involvements, by, progress)
    _create(Participation, plan.participations, by, progress)

    recommendations = [recommendation for recommendation, _addressees in plan.recommendations]
    _create(Recommendation, recommendations, by, progress)
    through = Recommendation.addressees.through
    links = {
        (recommendation.pk, addressee.pk)
        for recommendation, addressees in plan.recommendations
        for addressee in addressees
    }
    through.objects.bulk_create(
        [through(recommendation_id=rec, organization_id=org) for rec, org in sorted(links)], batch_size=BATCH
    )
    if links:
        refresh_organizations({org for _rec, org in links})
    record_in_bulk(Recommendation, recommendations, by=by, created=True)

    updates = [update for _key, update in plan.updates]
    _create(RecommendationUpdate, updates, by, progress)

    meeting_type = ContentType.objects.get_for_model(Meeting)
    update_type = ContentType.objects.get_for_model(RecommendationUpdate)
    ImportedRecord.objects.bulk_create(
        [
            ImportedRecord(organization=organization, key=key, content_type=meeting_type, object_id=meeting.pk, upload=upload)
            for key, meeting in plan.meetings
        ]
        + [
            ImportedRecord(organization=organization, key=key, content_type=update_type, object_id=update.pk, upload=upload)
            for key, update in plan.updates
        ],
        batch_size=BATCH,
    )
    result = import_result(plan)
    if upload is not None:
        upload.state = ImportUpload.State.IMPORTED
        upload.result = result
        upload.sheets = []  # the rows are in the records now
        upload.save(update_fields=["state", "result", "sheets"])
    return result


def import_result(plan):
    """What the import created and matched, for the result page and the command's report."""
    return {
        "meetings": [[meeting.pk, meeting.title_ar, getattr(meeting, "_import_ref", "")] for _key, meeting in plan.meetings],
        "skipped_meetings": [[meeting.pk, meeting.title_ar] for meeting in plan.skipped_meetings],
        "new_organizations": [[o.pk, o.name_ar] for o in plan.organizations.new.values()],
        "matched_organizations": [[o.pk, o.name_ar, o.slug, o.is_published and not o.is_pending] for o in plan.matched_organizations.values()],
        "new_people": [[p.pk, p.name_ar, p.visibility] for p in plan.people.new.values()],
        "matched_people": [[p.pk, p.name_ar, p.visibility] for p in plan.matched_people.values()],
        "counts": plan.counts(),
        "withheld": plan.withheld,
    }

