"""A reviewer merges a pending organisation into an existing one (``services.organization_merge``).

A bulk import can name one pending organisation in thousands of meetings and recommendations.
The merge moved each reference with its own ``save()`` or many-to-many change, each with its
own recount, recomputation of who is public and refill of search documents: 2,242 statements
and 5 s for 10 meetings, 56 s for 100 (``scripts/bench_merge.py``), past gunicorn's timeout
long before an import's size. It now moves every kind of reference at once. These tests check,
on the database of the run, that the number of statements does not grow with the references,
and that everything kept in step with the rows is as the rules compute it afterwards."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import (
    MeetingOrganization,
    Organization,
    Participation,
    Position,
    Recommendation,
    SearchRefill,
)
from meetings.models.security import SecurityEvent
from meetings.models.workspace import Membership
from search.engine import SearchQuery, matching

from . import factories
from . import test_publicity as publicity_checks
from . import test_tallies as tally_checks
from .staff_helpers import world  # noqa: F401

pytestmark = pytest.mark.django_db

Role = MeetingOrganization.Role
Addressee = Recommendation.addressees.through


def name_everywhere(world, pending, meetings):
    """``pending`` in every place an import or the workspace names an organisation, in ``meetings``
    new meetings of ``world.org`` (the first one published, as an admin could leave it), with
    ``world.org`` already named beside it in some of them."""
    rows = []
    for number in range(meetings):
        meeting = world.meeting(title_ar=f"لقاء مستورد رقم {number}", published=number == 0)
        role = (Role.CO_ORGANISER, Role.PARTNER)[number % 2]
        factories.involvement(meeting, pending, role=role)
        if number % 3 == 0:  # the organisation it is merged into, in the same role: named once after
            factories.involvement(meeting, world.org, role=role)
        factories.participation(meeting, factories.person(public=True), organization=pending)
        for count in range(2):
            recommendation = factories.recommendation(meeting, text_ar=f"توصية مستوردة {number}-{count}")
            recommendation.addressees.add(pending)
            if count == 0 and number % 2 == 0:
                recommendation.addressees.add(world.org)
        rows.append(meeting)
    factories.position(organization=pending)
    factories.organization("فرع الجمعية المستوردة", parent=pending)
    project = factories.project()
    project.implementers.add(pending)
    project.donors.add(pending, world.org)
    factories.membership(factories.user(), pending)
    factories.membership(world.editor, pending)  # already a member of world.org
    return rows


def merge(world, pending):
    with CaptureQueriesContext(connection) as statements:
        services.organization_merge(organization=pending, into=world.org, by=world.reviewer)
    return len(statements.captured_queries)


def pending_named_in(world, meetings):
    pending = services.organization_create(name=f"جمعية مستوردة {meetings}", by=world.editor)
    return pending, name_everywhere(world, pending, meetings)


def test_the_statements_do_not_grow_with_the_references(world):
    few = merge(world, pending_named_in(world, 3)[0])
    many = merge(world, pending_named_in(world, 9)[0])
    assert many == few, (few, many)


def test_every_reference_names_the_organisation_merged_into(world):
    pending, meetings = pending_named_in(world, 6)
    members = Membership.objects.filter(organization=world.org).count()
    merge(world, pending)
    assert not Organization.objects.filter(pk=pending.pk).exists()
    org = world.org
    for meeting in meetings:
        involved = list(meeting.involvements.filter(organization=org).values_list("role", flat=True))
        assert len(involved) == len(set(involved))  # one row per role, not two
        assert meeting.participations.filter(organization=org).exists()
    for recommendation in Recommendation.objects.filter(meeting__in=meetings):
        assert list(recommendation.addressees.values_list("pk", flat=True)) == [org.pk]
    assert Position.objects.filter(organization=org).exists()
    assert Organization.objects.get(name_ar="فرع الجمعية المستوردة").parent == org
    assert list(org.implemented_projects.all()) == list(org.funded_projects.all())
    # world.reviewer does not administer world.org: nobody gets a role there through the merge.
    assert Membership.objects.filter(organization=org).count() == members


def test_counts_publicity_and_search_are_as_the_rules_compute_them_after(world):
    pending, meetings = pending_named_in(world, 6)
    merge(world, pending)
    assert tally_checks.stored() == tally_checks.truth()
    publicity_checks.assert_consistent()
    assert Organization.objects.published().filter(pk=world.org.pk).exists()
    # The recommendations of the meetings it now co-organises are found by its name; their
    # search columns are those the model computes.
    for recommendation in Recommendation.objects.filter(meeting__in=meetings):
        for column, value in Recommendation.search_document.columns(recommendation).items():
            assert getattr(recommendation, column) == value, (recommendation.pk, column)
    published = meetings[0]
    found = matching(Recommendation.objects.published(), SearchQuery.parse("منظمة مساءلة لحقوق"))
    assert set(found.values_list("pk", flat=True)) == set(published.recommendations.values_list("pk", flat=True))


def test_each_moved_row_has_one_version_naming_the_reviewer(world):
    pending, meetings = pending_named_in(world, 4)
    twice = list(MeetingOrganization.objects.filter(organization=pending, meeting=meetings[0]).values_list("pk", flat=True))
    merge(world, pending)
    for participation in Participation.objects.filter(meeting__in=meetings).exclude(organization=None):
        latest = participation.history.latest()
        assert (latest.history_type, latest.organization_id, latest.history_user) == ("~", world.org.pk, world.reviewer)
    # The involvement that would have named world.org twice is gone, with its version.
    assert not MeetingOrganization.objects.filter(pk__in=twice).exists()
    gone = MeetingOrganization.history.filter(id__in=twice).latest()
    assert (gone.history_type, gone.history_user) == ("-", world.reviewer)
    for recommendation in Recommendation.objects.filter(meeting__in=meetings):
        latest = recommendation.history.latest()
        assert (latest.history_type, latest.history_user) == ("~", world.reviewer)
        assert list(latest.addressees.values_list("organization_id", flat=True)) == [world.org.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the copies of organisation keys")
def test_the_copies_of_organisation_keys_follow(world):
    from .test_organization_keys import assert_in_step

    pending, meetings = pending_named_in(world, 4)
    merge(world, pending)
    assert_in_step()


@pytest.mark.parametrize("who", ["reviewer", "administrator", "superuser"])
def test_the_members_of_the_pending_organisation_get_a_role_only_from_an_administrator_of_the_target(world, who):
    """A pending organisation's members (added in the admin) would otherwise become members of
    any organisation a reviewer of another one merges it into, in their role."""
    pending = services.organization_create(name="رابطة لها أعضاء", by=world.editor)
    factories.involvement(world.meeting(), pending, role=Role.PARTNER)
    target = factories.organization("منظمة منشورة لا يديرها المراجع")
    factories.involvement(world.other_meeting(published=True), target, role=Role.PARTNER)
    factories.membership(world.reviewer, target, role=Membership.Role.REVIEWER)  # usable, not administered
    factories.membership(world.administrator, target, role=Membership.Role.ADMINISTRATOR)
    newcomer = factories.user("عضو الرابطة")
    factories.membership(newcomer, pending, role=Membership.Role.ADMINISTRATOR)
    factories.membership(world.administrator, pending, role=Membership.Role.EDITOR)  # keeps their role in the target
    by, pending_pk = getattr(world, who), pending.pk
    services.organization_merge(organization=pending, into=target, by=by)
    granted = Membership.objects.filter(user=newcomer, organization=target).values_list("role", flat=True)
    assert list(granted) == ([] if who == "reviewer" else [Membership.Role.ADMINISTRATOR])
    assert not Membership.objects.filter(user=newcomer).exclude(organization=target).exists()
    assert Membership.objects.get(user=world.administrator, organization=target).role == Membership.Role.ADMINISTRATOR

    # Each role given or lost is in the security log, by whoever merged, as on the members page.
    log = {(event.action, event.target.split(" — ")[0]): event for event in SecurityEvent.objects.filter(user=by)}
    given = ("member_added", newcomer.get_username())
    lost = ("member_removed", newcomer.get_username())
    assert set(log) == (
        {lost, ("member_removed", world.administrator.get_username())}
        if who == "reviewer"
        else {given, ("member_removed", world.administrator.get_username())}
    )
    event = log[lost if who == "reviewer" else given]
    assert event.username == by.get_username()
    assert event.target.endswith(f"(#{pending_pk if who == 'reviewer' else target.pk})")
    assert event.detail.startswith(f"role={Membership.Role.ADMINISTRATOR} ")


def test_confirming_refills_only_the_documents_that_will_name_it(world):
    """Only a meeting's organisers are in its recommendations' documents: confirming (or renaming)
    an organisation that was a partner in thousands of meetings refilled all their recommendations."""
    from meetings.models.searchable import dependents_of

    pending = services.organization_create(name="جمعية الصيادين المؤكدة لاحقا", by=world.editor)
    as_partner, as_organiser = world.meeting(), world.meeting()
    factories.involvement(as_partner, pending, role=Role.PARTNER)
    factories.involvement(as_organiser, pending, role=Role.CO_ORGANISER)
    partner_made, organiser_made = factories.recommendation(as_partner), factories.recommendation(as_organiser)
    assert dependents_of(Organization, [pending.pk]) == [(Recommendation, [organiser_made.pk])]
    services.organization_confirm(organization=pending, by=world.reviewer)
    for recommendation in (partner_made, organiser_made):
        recommendation.refresh_from_db()
        for column, value in Recommendation.search_document.columns(recommendation).items():
            assert getattr(recommendation, column) == value, (recommendation.pk, column)
    assert "الصيادين" in organiser_made.search_body_ar.split()
    assert "الصيادين" not in partner_made.search_body_ar.split()


def test_a_merge_that_names_the_target_in_many_documents_leaves_them_to_refill_search(world, client, settings):
    """They only gain the target's name, which their pages show at once: past SEARCH_REFILL_NOW
    they wait for ``refill_search`` (a merge of 1,000 co-organised meetings took 28.6 s, at the
    timeout), and the reviewer is told so."""
    settings.SEARCH_REFILL_NOW = 2
    pending, meetings = pending_named_in(world, 6)
    # The meetings it co-organises without the target there already (whose documents name it already).
    moved = MeetingOrganization.objects.filter(organization=pending, role=Role.CO_ORGANISER).exclude(
        Exists(MeetingOrganization.objects.filter(meeting=OuterRef("meeting"), organization=world.org, role=Role.CO_ORGANISER))
    )
    keys = set(Recommendation.objects.filter(meeting__in=moved.values("meeting")).values_list("pk", flat=True))
    assert len(keys) == 4
    client.force_login(world.reviewer)
    response = client.post(
        reverse("staff:organization_merge", args=[pending.pk]), {"into": world.org.pk}, follow=True, HTTP_ACCEPT_LANGUAGE="ar"
    )
    shown = [str(message) for message in response.context["messages"]]
    assert any(f"سيجد البحث {len(keys)} سجلات بالاسم الجديد خلال دقائق" in message for message in shown), shown
    assert not Organization.objects.filter(pk=pending.pk).exists()
    assert sorted(pk for row in SearchRefill.objects.all() for pk in row.keys) == sorted(keys)
    call_command("refill_search", verbosity=0)
    for recommendation in Recommendation.objects.filter(pk__in=keys):
        for column, value in Recommendation.search_document.columns(recommendation).items():
            assert getattr(recommendation, column) == value, (recommendation.pk, column)
