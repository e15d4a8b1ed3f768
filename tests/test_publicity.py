"""Stored publicity (``Organization.is_published``, ``Person.is_published``) always equals the rules.

``Organization.objects.published()`` reads the stored answer; the rule itself is
``appearing_in_published()``; for people, ``taking_part_in_published()``, with their
visibility always checked live. Every write path that can change the answer is exercised
here, and after each one the two are compared for every organisation — a stale ``True``
would disclose an organisation known only from drafts.
"""

import random
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetings.models import (
    Meeting,
    MeetingOrganization,
    Organization,
    Participation,
    Person,
    Project,
    Recommendation,
)
from meetings.publicity import refresh_all, refresh_organizations

from . import factories
from .staff_helpers import big_meeting, entry_url, fast_passwords, read_form, world  # noqa: F401

pytestmark = pytest.mark.django_db


def stored():
    return set(Organization.objects.published().values_list("pk", flat=True))


def rule():
    return set(Organization.objects.appearing_in_published().values_list("pk", flat=True))


def people_stored():
    return set(Person.objects.filter(is_published=True).values_list("pk", flat=True))


def people_rule():
    return set(Person.objects.taking_part_in_published().values_list("pk", flat=True))


def assert_consistent():
    assert stored() == rule()
    assert people_stored() == people_rule()


def is_named(person):
    return Person.objects.published().filter(pk=person.pk).exists()


def is_public(org):
    return Organization.objects.published().filter(pk=org.pk).exists()


def test_an_organisation_is_public_only_while_a_meeting_naming_it_is_published():
    org = factories.organization()
    meeting = factories.meeting()
    factories.involvement(meeting, org)
    assert not is_public(org)
    meeting.publish()
    assert is_public(org)
    meeting.unpublish()
    assert not is_public(org)
    assert_consistent()


def test_every_workflow_step_keeps_the_answer():
    admin = factories.user(is_superuser=True, is_staff=True)
    org = factories.organization()
    meeting = factories.meeting()
    factories.involvement(meeting, org)
    meeting.submit_for_review(by=admin)
    assert not is_public(org)
    meeting.publish(by=admin)
    assert is_public(org)
    meeting.unpublish(by=admin, comment="سحب")
    assert not is_public(org)


def test_a_second_published_meeting_keeps_it_public_when_the_first_is_withdrawn():
    org = factories.organization()
    first, second = factories.meeting(published=True), factories.meeting(published=True)
    factories.involvement(first, org)
    factories.involvement(second, org, role=MeetingOrganization.Role.PARTNER)
    first.unpublish()
    assert is_public(org)
    second.unpublish()
    assert not is_public(org)


def test_involvement_moved_to_another_organisation_or_meeting_or_deleted():
    old, new = factories.organization(), factories.organization()
    published, draft = factories.meeting(published=True), factories.meeting()
    involvement = factories.involvement(published, old)
    assert is_public(old) and not is_public(new)
    involvement.organization = new
    involvement.save()
    assert not is_public(old) and is_public(new)
    involvement.meeting = draft
    involvement.save()
    assert not is_public(new)
    involvement.meeting = published
    involvement.save(update_fields=["meeting"])
    assert is_public(new)
    involvement.delete()
    assert not is_public(new)
    assert_consistent()


def test_a_represented_organisation_through_a_participation():
    org, other = factories.organization(), factories.organization()
    meeting = factories.meeting(published=True)
    participation = factories.participation(meeting, factories.person(public=True), organization=org)
    assert is_public(org)
    participation.organization = other
    participation.save()
    assert not is_public(org) and is_public(other)
    Participation.objects.filter(pk=participation.pk).update(organization=None)
    assert not is_public(other)
    Participation.objects.filter(pk=participation.pk).update(organization=org)
    assert is_public(org)
    Participation.objects.filter(pk=participation.pk).delete()
    assert not is_public(org)
    assert_consistent()


def test_addressees_from_either_side():
    first, second = factories.organization(), factories.organization()
    item = factories.recommendation(factories.meeting(published=True))
    item.addressees.add(first, second)
    assert is_public(first) and is_public(second)
    item.addressees.remove(first)
    assert not is_public(first) and is_public(second)
    item.addressees.clear()
    assert not is_public(second)
    item.addressees.set([first])
    assert is_public(first)
    first.addressed_recommendations.clear()
    assert not is_public(first)
    second.addressed_recommendations.add(item)
    assert is_public(second)
    second.addressed_recommendations.remove(item)
    assert not is_public(second)
    assert_consistent()


def test_a_recommendation_moved_to_a_draft_or_deleted():
    org = factories.organization()
    published, draft = factories.meeting(published=True), factories.meeting()
    item = factories.recommendation(published)
    item.addressees.add(org)
    item.meeting = draft
    item.order = 1
    item.save()
    assert not is_public(org)
    Recommendation.objects.filter(pk=item.pk).update(meeting=published)
    assert is_public(org)
    item.delete()
    assert not is_public(org)


def test_implementers_and_donors_of_the_project_of_a_published_meeting():
    implementer, donor = factories.organization(), factories.organization()
    project = factories.project()
    project.implementers.add(implementer)
    project.donors.add(donor)
    assert not is_public(implementer)  # a project alone discloses nothing
    meeting = factories.meeting(published=True, project=project)
    assert is_public(implementer) and is_public(donor)
    project.donors.remove(donor)
    assert not is_public(donor)
    donor.funded_projects.add(project)
    assert is_public(donor)
    other = factories.project()
    meeting.project = other
    meeting.save()
    assert not is_public(implementer) and not is_public(donor)
    Meeting.objects.filter(pk=meeting.pk).update(project=project)
    assert is_public(implementer) and is_public(donor)
    project.implementers.clear()
    assert not is_public(implementer)
    assert_consistent()


def test_bulk_paths():
    orgs = [factories.organization() for _ in range(4)]
    published = factories.meeting(published=True)
    draft = factories.meeting()
    MeetingOrganization.objects.bulk_create(
        [MeetingOrganization(meeting=published, organization=org, role="partner") for org in orgs[:2]]
        + [MeetingOrganization(meeting=draft, organization=org, role="partner") for org in orgs[2:]]
    )
    assert stored() == {orgs[0].pk, orgs[1].pk}
    rows = list(MeetingOrganization.objects.filter(meeting=draft))
    for row in rows:
        row.meeting = published
    MeetingOrganization.objects.bulk_update(rows, ["meeting"])
    assert stored() == {org.pk for org in orgs}
    Meeting.objects.filter(pk=published.pk).update(status=Meeting.Status.DRAFT)
    assert stored() == set()
    Meeting.objects.filter(pk=published.pk).update(status=Meeting.Status.PUBLISHED)
    assert stored() == {org.pk for org in orgs}
    MeetingOrganization.objects.filter(organization__in=orgs[:3]).delete()
    assert stored() == {orgs[3].pk}
    assert_consistent()


def test_a_bulk_update_reads_what_it_concerns_once_before_and_once_after():
    """Django's bulk_update() writes through update(): who is public is worked out by the
    bulk_update(), not a second time by the update() inside it."""
    meeting = factories.meeting(published=True)
    before, after = factories.person(public=True), factories.person(public=True)
    row = factories.participation(meeting, before)
    assert before.pk in people_stored() and after.pk not in people_stored()
    row.person = after
    with CaptureQueriesContext(connection) as queries:
        Participation.objects.bulk_update([row], ["person"])
    # What the row names: read before the write and after it, nothing more.
    reads = [query for query in queries.captured_queries if re.match(r'SELECT "meetings_participation"\."(organization|person)_id"', query["sql"])]
    assert len(reads) == 2, [query["sql"] for query in reads]
    assert after.pk in people_stored() and before.pk not in people_stored()
    assert_consistent()


def test_deleting_a_meeting_hides_everyone_it_alone_disclosed():
    meeting = factories.full_meeting()
    named = set(Organization.objects.filter(involvements__meeting=meeting).values_list("pk", flat=True))
    assert named and named <= stored()
    meeting.delete()
    assert stored() & named == set()
    assert_consistent()


def test_a_rolled_back_publication_leaves_the_answer_unchanged():
    org = factories.organization()
    meeting = factories.meeting()
    factories.involvement(meeting, org)
    with pytest.raises(RuntimeError), transaction.atomic():
        meeting.publish()
        assert is_public(org)
        raise RuntimeError
    assert not is_public(org)


def test_rebuild_recomputes_what_raw_sql_changed():
    org = factories.organization()
    factories.involvement(factories.meeting(published=True), org)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE meetings_meeting SET status = 'draft'")
    assert is_public(org)  # raw SQL bypasses the application…
    call_command("rebuild_search_index", verbosity=0)
    assert not is_public(org)  # …and the rebuild puts it right
    with connection.cursor() as cursor:
        cursor.execute("UPDATE meetings_meeting SET status = 'published'")
    assert refresh_organizations() == 1
    assert is_public(org)


def test_the_demo_data_is_consistent():
    call_command("load_demo", verbosity=0)
    assert stored()
    assert_consistent()


def test_random_sequences_of_writes_keep_the_answer(django_assert_max_num_queries):
    """A seeded random walk through every kind of write; the answer is compared after each."""
    rng = random.Random(2022)
    # (operations on people are added below)
    orgs = [factories.organization() for _ in range(8)]
    projects = [factories.project() for _ in range(2)]
    meetings = [factories.meeting(project=rng.choice(projects + [None])) for _ in range(4)]
    person = factories.person(public=True)

    def publish_or_withdraw():
        meeting = rng.choice(meetings)
        meeting.refresh_from_db()
        if meeting.status == Meeting.Status.PUBLISHED:
            meeting.unpublish()
        else:
            meeting.publish()

    def involve():
        MeetingOrganization.objects.get_or_create(
            meeting=rng.choice(meetings), organization=rng.choice(orgs), role=rng.choice(["organiser", "partner"])
        )

    def pick(queryset):
        """One row chosen by the seeded generator (the database's random order is not seeded)."""
        pks = list(queryset.order_by("pk").values_list("pk", flat=True))
        return queryset.get(pk=rng.choice(pks)) if pks else None

    def drop_involvement():
        row = pick(MeetingOrganization.objects.all())
        if row:
            row.delete()

    def move_involvement():
        row = pick(MeetingOrganization.objects.all())
        if row:
            row.organization = rng.choice(orgs)
            if not MeetingOrganization.objects.filter(
                meeting=row.meeting, organization=row.organization, role=row.role
            ).exists():
                row.save()

    def represent():
        factories.participation(rng.choice(meetings), person, organization=rng.choice(orgs + [None]))

    def drop_participation():
        row = pick(Participation.objects.all())
        if row:
            Participation.objects.filter(pk=row.pk).delete()

    def address():
        meeting = rng.choice(meetings)
        item = meeting.recommendations.first() or factories.recommendation(meeting)
        rng.choice([item.addressees.add, item.addressees.remove])(rng.choice(orgs))

    def clear_addressees():
        item = pick(Recommendation.objects.all())
        if item:
            item.addressees.clear()

    def fund():
        project = rng.choice(projects)
        getattr(project, rng.choice(["implementers", "donors"])).set(rng.sample(orgs, 2))

    def change_project():
        Meeting.objects.filter(pk=rng.choice(meetings).pk).update(project=rng.choice(projects + [None]))

    def delete_recommendation():
        item = pick(Recommendation.objects.all())
        if item:
            item.delete()

    operations = [publish_or_withdraw, involve, drop_involvement, move_involvement, represent, drop_participation,
                  address, clear_addressees, fund, change_project, delete_recommendation]
    public_seen = set()
    def move_participation():
        row = pick(Participation.objects.all())
        if row:
            row.person = rng.choice([person, other])
            row.meeting = rng.choice(meetings)
            row.save()

    def flip_visibility():
        chosen = rng.choice([person, other])
        chosen.visibility = rng.choice(list(Person.Visibility))
        chosen.save()

    def delete_meeting():
        if len(meetings) > 2:
            meetings.pop(rng.randrange(len(meetings))).delete()

    other = factories.person()
    operations += [move_participation, flip_visibility, delete_meeting]
    for step in range(200):
        operation = rng.choice(operations)
        operation()
        assert stored() == rule(), f"step {step}: {operation.__name__}"
        assert people_stored() == people_rule(), f"step {step}: {operation.__name__}"
        assert set(Person.objects.published().values_list("pk", flat=True)) == {
            pk for pk in people_rule() if Person.objects.get(pk=pk).visibility == Person.Visibility.PUBLIC
        }
        public_seen |= stored()
    assert len(public_seen) >= 6  # the walk did disclose (and hide) organisations


def test_a_draft_only_organisation_is_never_on_a_public_page(client):
    hidden = factories.organization("منظمة سرية للغاية")
    factories.involvement(factories.meeting(), hidden)
    shown = factories.organization("منظمة علنية")
    factories.involvement(factories.meeting(published=True), shown)
    page = client.get("/organizations/").content.decode()
    assert "منظمة علنية" in page and "منظمة سرية للغاية" not in page
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(shown.get_absolute_url()).status_code == 200
    # The API, by list and by id, in its own form and as Popolo.
    for endpoint in ("organizations", "popolo/organizations"):
        listed = client.get(f"/api/v1/{endpoint}/").content.decode()
        assert "منظمة علنية" in listed and "منظمة سرية للغاية" not in listed
        assert client.get(f"/api/v1/{endpoint}/{hidden.pk}/").status_code == 404
        assert client.get(f"/api/v1/{endpoint}/{shown.pk}/").status_code == 200


def test_project_model_is_watched_through_its_many_to_many_fields():
    # A project with no meeting discloses nobody, whatever it lists.
    project = Project.objects.create(name_ar="مشروع بلا لقاءات")
    org = factories.organization()
    project.implementers.add(org)
    assert not is_public(org)
    project.delete()
    assert not is_public(org)
    assert_consistent()


def test_a_person_is_named_only_while_public_and_in_a_published_meeting():
    speaker = factories.person(public=True)
    meeting = factories.meeting()
    participation = factories.participation(meeting, speaker)
    assert not is_named(speaker)
    meeting.publish()
    assert is_named(speaker)
    speaker.visibility = Person.Visibility.PROTECTED
    speaker.save()
    assert not is_named(speaker)  # visibility is checked live, whatever is stored
    Person.objects.filter(pk=speaker.pk).update(visibility=Person.Visibility.PUBLIC)
    assert is_named(speaker)
    participation.person = factories.person(public=True)
    participation.save()
    assert not is_named(speaker) and is_named(participation.person)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.DRAFT)
    assert not is_named(participation.person)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PUBLISHED)
    Participation.objects.filter(pk=participation.pk).update(person=speaker)
    assert is_named(speaker) and not is_named(participation.person)
    meeting.delete()
    assert not is_named(speaker)
    assert_consistent()


def test_a_protected_person_is_never_published_even_when_the_stored_answer_says_they_took_part():
    defender = factories.person("مدافعة عن حقوق الإنسان")
    factories.participation(factories.meeting(published=True), defender)
    defender.refresh_from_db()
    assert defender.is_published  # took part in a published meeting…
    assert not is_named(defender)  # …and is still never named
    client = Client()
    for endpoint in ("people", "popolo/persons"):
        assert client.get(f"/api/v1/{endpoint}/{defender.pk}/").status_code == 404
        assert "مدافعة عن حقوق الإنسان" not in client.get(f"/api/v1/{endpoint}/").content.decode()
    assert "مدافعة عن حقوق الإنسان" not in client.get("/api/v1/meetings/").content.decode()


def test_refresh_all_repairs_people_after_raw_sql():
    speaker = factories.person(public=True)
    factories.participation(factories.meeting(published=True), speaker)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE meetings_meeting SET status = 'draft'")
    assert is_named(speaker)
    assert refresh_all() == 1
    assert not is_named(speaker)


def test_saving_an_instance_read_before_a_withdrawal_does_not_disclose_it_again():
    org = factories.organization()
    meeting = factories.meeting(published=True)
    factories.involvement(meeting, org)
    stale = Organization.objects.get(pk=org.pk)
    assert stale.is_published
    meeting.unpublish()
    stale.description_ar = "وصف جديد"
    stale.save()
    assert not is_public(org)
    assert Organization.objects.get(pk=org.pk).description_ar == "وصف جديد"
    speaker = factories.person(public=True)
    factories.participation(meeting, speaker)
    meeting.publish()
    stale_person = Person.objects.get(pk=speaker.pk)
    meeting.unpublish()
    stale_person.name_ar = "اسم جديد"
    stale_person.save()
    assert not is_named(speaker)
    assert_consistent()


@pytest.mark.parametrize("table", ["meetings_organization", "meetings_person"])
def test_rows_written_without_the_application_start_hidden(table):
    """The column has a database default: a COPY or raw INSERT that leaves it out stores False."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT column_default FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
                [table, "is_published"],
            )
            default = cursor.fetchone()[0]
        else:
            cursor.execute(f"PRAGMA table_info({table})")
            default = next(row[4] for row in cursor.fetchall() if row[1] == "is_published")
    assert str(default).lower() in {"false", "0"}


def asks_publicity(sql):
    """Whether ``sql`` is part of recomputing the stored publicity: the ids of organisations or
    people whose stored answer is compared with the rule, or the answer written (not a form's
    choices, which filter on it too)."""
    compares = re.match(r'SELECT "meetings_(organization|person)"\."id" AS "pk" FROM', sql)
    return bool(compares and '"is_published"' in sql) or 'SET "is_published"' in sql


def publicity_statements(write):
    """The statements of ``write()`` that read or write the stored publicity."""
    with CaptureQueriesContext(connection) as queries:
        write()
    return [query["sql"] for query in queries.captured_queries if asks_publicity(query["sql"])]


def test_writes_in_drafts_alone_recompute_nobody():
    """Every clause of both rules needs a published meeting: a write whose rows are in no
    published meeting, before it and after it, leaves everyone's answer without reading it."""
    org, other = factories.organization(), factories.organization()
    person = factories.person(public=True)
    project = factories.project()
    first, second = factories.meeting(project=project), factories.meeting()
    third = factories.meeting(status=Meeting.Status.REVIEW)
    involvement = factories.involvement(first, org)
    participation = factories.participation(first, person, organization=org)
    item = factories.recommendation(first)

    def moved_between_drafts():
        participation.meeting = second
        participation.save()
        involvement.meeting = third
        involvement.save(update_fields=["meeting"])
        item.meeting, item.order = second, 99
        item.save()

    def bulk():
        MeetingOrganization.objects.bulk_create([MeetingOrganization(meeting=second, organization=other, role="partner")])
        rows = list(Participation.objects.filter(meeting=second))
        for row in rows:
            row.meeting, row.organization = first, other
        Participation.objects.bulk_update(rows, ["meeting", "organization"])
        MeetingOrganization.objects.filter(meeting=second).update(meeting=first)

    writes = {
        "a new meeting": lambda: factories.meeting(project=project),
        "a new organisation's role": lambda: factories.involvement(second, other),
        "a new participation": lambda: factories.participation(second, person, organization=other),
        "a new recommendation": lambda: factories.recommendation(second),
        "rows moved between drafts": moved_between_drafts,
        "addressees added and removed": lambda: (item.addressees.add(org, other), item.addressees.remove(org)),
        "addressees cleared": item.addressees.clear,
        "bulk writes": bulk,
        "a project's organisations": lambda: (project.implementers.add(org), project.donors.set([other])),
        "a project's organisations cleared": project.implementers.clear,
        "a draft's project": lambda: Meeting.objects.filter(pk=second.pk).update(project=project),
        "a draft sent to review": lambda: Meeting.objects.filter(pk=first.pk).update(status=Meeting.Status.REVIEW),
    }
    for name, write in writes.items():
        assert publicity_statements(write) == [], name
    assert stored() == set() and people_stored() == set()
    assert_consistent()
    # The same kind of write in a published meeting does recompute (what is asked above can fail).
    assert publicity_statements(lambda: factories.participation(factories.meeting(published=True), person))
    first.refresh_from_db()
    first.publish()
    # What the bulk writes moved into it (and the project's donor) now counts.
    assert stored() == {other.pk} and people_stored() == {person.pk}
    assert_consistent()


PATHS = ["save", "update_fields", "update", "bulk_update"]


def move(row, path, **values):
    """Write ``values`` on ``row`` by ``path``: save(), save(update_fields=…), update(), bulk_update()."""
    model = type(row)
    if path == "update":
        model.objects.filter(pk=row.pk).update(**values)
        row.refresh_from_db()
        return
    for name, value in values.items():
        setattr(row, name, value)
    if path == "save":
        row.save()
    elif path == "update_fields":
        row.save(update_fields=list(values))
    else:
        model.objects.bulk_update([row], list(values))


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("kind", ["involvement", "participation", "recommendation"])
def test_a_row_leaving_a_published_meeting_for_a_draft_hides_what_only_it_showed(kind, path):
    """The other side of the check above: the row's meeting *before* the write counts."""
    org, person = factories.organization(), factories.person(public=True)
    published, draft = factories.meeting(published=True), factories.meeting()
    if kind == "involvement":
        row = factories.involvement(published, org)
    elif kind == "participation":
        row = factories.participation(published, person, organization=org)
    else:
        row = factories.recommendation(published)
        row.addressees.add(org)
    assert is_public(org)
    move(row, path, meeting=draft)
    assert not is_public(org) and not is_named(person)
    assert_consistent()
    move(row, path, meeting=published)
    assert is_public(org)
    assert is_named(person) == (kind == "participation")
    assert_consistent()


@pytest.mark.parametrize("path", PATHS)
def test_a_meeting_leaving_publication_by_any_path_hides_what_only_it_showed(path):
    org, addressee, implementer, person = (factories.organization() for _ in range(4))
    person = factories.person(public=True)
    project = factories.project()
    project.implementers.add(implementer)
    meeting = factories.meeting(published=True, project=project)
    factories.involvement(meeting, org)
    factories.participation(meeting, person)
    factories.recommendation(meeting).addressees.add(addressee)
    everyone = {org.pk, addressee.pk, implementer.pk}
    assert everyone <= stored() and is_named(person)
    move(meeting, path, status=Meeting.Status.DRAFT)
    assert stored() & everyone == set() and not is_named(person)
    assert_consistent()
    move(meeting, path, status=Meeting.Status.PUBLISHED)
    assert everyone <= stored() and is_named(person)
    move(meeting, path, project=None)
    assert implementer.pk not in stored()
    assert_consistent()


@pytest.mark.usefixtures("fast_passwords")
def test_addressees_changed_in_the_workspace_count_only_in_a_published_meeting(client, world):
    """The workspace sets all addressees at once (services._set_addressees): in a draft that
    recomputes nobody; in a published meeting an administrator's removal hides the organisation."""
    draft = big_meeting(world, 3)
    newcomer = world.org  # an organisation the editor may choose, named by drafts alone
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(draft)))
    data["recommendations-0-addressees"] = [str(newcomer.pk)]
    with CaptureQueriesContext(connection) as queries:
        response = client.post(entry_url(draft), data)
    assert response.status_code == 302, response.context["entry"].errors
    assert list(Recommendation.objects.get(meeting=draft, order=1).addressees.all()) == [newcomer]
    assert not [query for query in queries.captured_queries if asks_publicity(query["sql"])]
    assert not is_public(newcomer)

    meeting = big_meeting(world, 3)
    meeting.publish()
    first = Recommendation.objects.get(meeting=meeting, order=1)
    only_here = factories.organization()
    first.addressees.add(only_here)
    assert is_public(only_here)
    client.force_login(world.administrator)
    data = read_form(client.get(entry_url(meeting)))
    chosen = data["recommendations-0-addressees"]
    chosen = chosen if isinstance(chosen, list) else [chosen]
    assert str(only_here.pk) in chosen
    data["recommendations-0-addressees"] = [pk for pk in chosen if pk != str(only_here.pk)]
    with CaptureQueriesContext(connection) as queries:
        assert client.post(entry_url(meeting), data).status_code == 302
    assert [query for query in queries.captured_queries if asks_publicity(query["sql"])]
    assert not first.addressees.filter(pk=only_here.pk).exists()
    assert not is_public(only_here)
    assert_consistent()
