"""The summary rows (``Tally``, meetings/tallies.py) always equal counts of the records.

The pages read their counts from the rows; the truth is what the published() QuerySets
count. Every write path that can change a count is exercised here, and after each one
every row is compared with a count of the records for every governorate, project,
organisation, tag, stakeholder group, theme and kind.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from meetings import tallies
from meetings.models import (
    Governorate,
    Meeting,
    MeetingOrganization,
    Organization,
    Participation,
    Project,
    Recommendation,
    StakeholderGroup,
    Tag,
    Tally,
    Theme,
)

from . import factories

pytestmark = pytest.mark.django_db


def truth():
    """``{(subject, scope, key, status): count}`` counted from the records (zeros left out)."""
    meetings = Meeting.objects.published()
    recommendations = Recommendation.objects.published()
    found = {}

    def put(subject, scope, key, status, count):
        if count:
            found[(subject, scope, str(key), status)] = count

    def summary(scope, key, queryset):
        for status, count in queryset.status_summary():
            put(Tally.RECOMMENDATIONS, scope, key, status.value, count)

    put(Tally.MEETINGS, "all", "", "", meetings.count())
    summary("all", "", recommendations)
    for governorate in Governorate.objects.all():
        put(Tally.MEETINGS, "governorate", governorate.pk, "", meetings.in_governorate(governorate).count())
        summary("governorate", governorate.pk, recommendations.in_governorate(governorate))
    for project in Project.objects.all():
        put(Tally.MEETINGS, "project", project.pk, "", meetings.in_project(project).count())
        summary("project", project.pk, recommendations.in_project(project))
    for organization in Organization.objects.all():
        put(Tally.MEETINGS, "organization", organization.pk, "", meetings.with_organization(organization).count())
        summary("addressee", organization.pk, recommendations.addressed_to(organization))
    for tag in Tag.objects.all():
        put(Tally.MEETINGS, "tag", tag.pk, "", meetings.with_tag(tag).count())
    for group in StakeholderGroup.objects.all():
        put(Tally.MEETINGS, "group", group.pk, "", meetings.with_stakeholder_group(group).count())
    for kind, _label in Meeting.Kind.choices:
        put(Tally.MEETINGS, "kind", kind, "", meetings.of_kind(kind).count())
    for kind, _label in Recommendation.Kind.choices:
        summary("kind", kind, recommendations.of_kind(kind))
    for theme in Theme.objects.all():
        summary("theme", theme.pk, recommendations.about(theme))
    return found


def stored():
    return {
        (row.subject, row.scope, row.key, row.status): row.count for row in Tally.objects.exclude(count=0)
    }


def assert_right():
    assert stored() == truth()


@pytest.fixture
def world():
    org, other = factories.organization(), factories.organization()
    theme = factories.theme()
    project = factories.project()
    meeting = factories.meeting(project=project)
    factories.involvement(meeting, org)
    factories.participation(meeting, factories.person(public=True), organization=other)
    first = factories.recommendation(meeting, theme=theme)
    second = factories.recommendation(meeting)
    first.addressees.add(org)
    meeting.tags.add(factories.tag())
    meeting.stakeholder_groups.add(factories.stakeholder_group("youth"))
    return {"org": org, "other": other, "theme": theme, "project": project, "meeting": meeting,
            "first": first, "second": second}


def test_a_draft_counts_nothing_and_publishing_counts_everything(world):
    assert stored() == {}
    world["meeting"].publish()
    assert stored()[(Tally.MEETINGS, "all", "", "")] == 1
    assert stored()[(Tally.RECOMMENDATIONS, "addressee", str(world["org"].pk), "proposed")] == 1
    assert_right()
    world["meeting"].unpublish()
    assert stored() == {}
    assert_right()


def test_a_recommendation_status_change_moves_it_between_statuses(world):
    world["meeting"].publish()
    world["first"].set_status(Recommendation.Status.ACCEPTED, on=world["meeting"].date)
    assert Tally.objects.status_summary()[1] == (Recommendation.Status.ACCEPTED, 1)
    assert_right()
    Recommendation.objects.filter(pk=world["second"].pk).update(status=Recommendation.Status.IN_PROGRESS, progress=50)
    assert_right()
    Recommendation.objects.bulk_update(
        [Recommendation(pk=world["second"].pk, meeting=world["meeting"], status="partial", progress=60)],
        ["status", "progress"],
    )
    assert_right()


def test_edits_of_what_a_meeting_counts_under(world):
    meeting = world["meeting"]
    meeting.publish()
    meeting.governorate = factories.governorate("taiz")
    meeting.kind = Meeting.Kind.WORKSHOP
    meeting.project = None
    meeting.save()
    assert_right()
    Meeting.objects.filter(pk=meeting.pk).update(project=world["project"])
    assert_right()
    meeting.title_ar = "عنوان جديد"
    meeting.save()  # nothing counted changes
    assert_right()


def test_many_to_many_changes_from_either_side(world):
    meeting, first, org, other = world["meeting"], world["first"], world["org"], world["other"]
    meeting.publish()
    first.addressees.add(other)
    assert_right()
    first.addressees.remove(org)
    assert_right()
    first.addressees.clear()
    assert_right()
    org.addressed_recommendations.add(first, world["second"])
    assert_right()
    org.addressed_recommendations.clear()
    assert_right()
    tag = factories.tag()
    meeting.tags.add(tag)
    assert_right()
    meeting.tags.remove(tag)
    assert_right()
    meeting.tags.set([tag])
    assert_right()
    meeting.stakeholder_groups.clear()
    assert_right()


def test_rows_added_moved_and_deleted(world):
    meeting, other_meeting = world["meeting"], factories.meeting(published=True)
    meeting.publish()
    added = factories.recommendation(meeting, theme=world["theme"])
    added.addressees.add(world["other"])
    assert_right()
    added.meeting = other_meeting
    added.order = 1
    added.save()
    assert_right()
    Recommendation.objects.bulk_create([Recommendation(meeting=meeting, order=9, text="نص", text_ar="نص")])
    assert_right()
    Recommendation.objects.filter(meeting=meeting).delete()
    assert_right()
    involvement = MeetingOrganization.objects.get(meeting=meeting)
    involvement.organization = world["other"]
    involvement.save()
    assert_right()
    MeetingOrganization.objects.bulk_create([MeetingOrganization(meeting=other_meeting, organization=world["org"])])
    assert_right()
    Participation.objects.filter(meeting=meeting).update(organization=None)
    assert_right()
    involvement.delete()
    assert_right()


def test_deleting_a_meeting_with_everything_in_it(world):
    world["meeting"].publish()
    second = factories.full_meeting()
    assert_right()
    world["meeting"].delete()
    assert_right()
    Meeting.objects.filter(pk=second.pk).delete()
    assert_right()
    assert stored() == {}


def test_a_rolled_back_write_leaves_the_rows_as_they_were(world):
    world["meeting"].publish()
    before = stored()
    with pytest.raises(RuntimeError), transaction.atomic():
        world["meeting"].unpublish()
        raise RuntimeError
    assert stored() == before
    assert_right()


def test_rebuild_recomputes_every_row(world):
    world["meeting"].publish()
    factories.full_meeting()
    Tally.objects.update(count=99)
    Tally.objects.create(subject=Tally.MEETINGS, scope="tag", key="12345", count=3)
    tallies.rebuild()
    assert_right()


def test_migrate_rebuilds_only_when_it_applies_something(world):
    """At real size the rebuild takes minutes: a deployment whose ``migrate`` applies nothing
    does not pay it; ``migrate`` that applies a migration, and rebuild_search_index, do."""
    from django.core.management import call_command

    world["meeting"].publish()
    Tally.objects.update(count=99)
    call_command("migrate", verbosity=0)  # nothing to apply
    assert set(Tally.objects.values_list("count", flat=True)) == {99}
    tallies.rebuild_after_migrate(sender=None, plan=[("a migration", False)])
    assert_right()
    Tally.objects.update(count=99)
    call_command("rebuild_search_index", verbosity=0)
    assert_right()


def test_a_draft_edit_costs_three_queries_and_writes_no_count(world):
    second = world["second"]
    second.status = Recommendation.Status.ACCEPTED
    second.progress = 10
    with CaptureQueriesContext(connection) as queries:
        second.save(update_fields=["status", "progress"])
    # The counts' look at the stored row, then whether the meeting was published before
    # the write and after it: nothing else, since it was not.
    counting = [q["sql"] for q in queries.captured_queries if "meetings_tally" in q["sql"]]
    assert len(counting) == 0
    assert len(queries.captured_queries) <= 10
    assert_right()
