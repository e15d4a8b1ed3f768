"""PostgreSQL: the copies of organisation keys that the search indexes hold beside the words
(search/schema.py, "The organisations beside the words"): each recommendation's addressees
(``addressee_ids``) and each meeting's organisations, in any role or through a speaker
(``organization_ids``).

A stale copy would put wrong results on a public page (a search filtered by an organisation), so
every way the sources change is checked against the source tables themselves, and two
transactions changing one row's sources at once both reach the copy."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.db.models import F

from meetings import services
from meetings.models import Meeting, MeetingOrganization, Organization, Participation, Recommendation
from search import schema
from search.engine import KINDS, SearchQuery, filtered, matching, pk_sql

from . import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite searches without the copies"),
]

Addressee = Recommendation.addressees.through


def copies(table="meetings_recommendation"):
    """``{pk: its copy}`` for every row of ``table``."""
    column = schema.ORGANIZATION_KEYS_OF[table].column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM {table}")
        return {pk: list(ids) for pk, ids in cursor.fetchall()}


def truth(table="meetings_recommendation"):
    """``{pk: the organisations its sources name, sorted}`` from the source tables."""
    if table == "meetings_recommendation":
        found = {pk: set() for pk in Recommendation.objects.values_list("pk", flat=True)}
        pairs = Addressee.objects.values_list("recommendation_id", "organization_id")
    else:
        found = {pk: set() for pk in Meeting.objects.values_list("pk", flat=True)}
        pairs = [
            *MeetingOrganization.objects.values_list("meeting_id", "organization_id"),
            *Participation.objects.exclude(organization=None).values_list("meeting_id", "organization_id"),
        ]
    for row, organization in pairs:
        found[row].add(organization)
    return {pk: sorted(keys) for pk, keys in found.items()}


def assert_in_step():
    for table in schema.ORGANIZATION_KEYS_OF:
        assert copies(table) == truth(table), table


@pytest.fixture
def world():
    meeting = factories.meeting()  # a draft: its records may be deleted
    items = [factories.recommendation(meeting, text_ar=f"توصية رقم {i}") for i in range(3)]
    organizations = [factories.organization(f"منظمة رقم {i}") for i in range(3)]
    return meeting, items, organizations


def test_every_way_addressees_change_reaches_the_copy(world):
    meeting, (first, second, third), (a, b, c) = world
    assert copies()[first.pk] == []

    first.addressees.add(b, a)
    assert copies()[first.pk] == sorted([a.pk, b.pk])
    first.addressees.remove(a)
    assert copies()[first.pk] == [b.pk]
    first.addressees.set([c, a])
    assert copies()[first.pk] == sorted([a.pk, c.pk])
    first.addressees.clear()
    assert copies()[first.pk] == []

    a.addressed_recommendations.add(first, second)  # from the organisation's side
    assert copies()[second.pk] == [a.pk]
    Addressee.objects.bulk_create([Addressee(recommendation=third, organization=b), Addressee(recommendation=third, organization=c)])
    assert copies()[third.pk] == sorted([b.pk, c.pk])
    # One organisation's rows handed to another (a merge moves them with remove() and add()).
    Addressee.objects.filter(organization=b).update(organization=a)
    assert copies()[third.pk] == sorted([a.pk, c.pk])
    assert_in_step()

    c.delete()  # its addressee rows go with it
    assert copies()[third.pk] == [a.pk]
    with connection.cursor() as cursor:  # raw SQL too
        cursor.execute(
            "INSERT INTO meetings_recommendation_addressees (recommendation_id, organization_id) VALUES (%s, %s)",
            [second.pk, b.pk],
        )
    assert copies()[second.pk] == sorted([a.pk, b.pk])
    assert_in_step()

    second.delete()
    assert_in_step()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred check
        cursor.execute("TRUNCATE meetings_recommendation_addressees")
    assert set(map(tuple, copies().values())) == {()}


def test_every_way_a_meetings_organisations_change_reaches_the_copy(world):
    meeting, _items, (a, b, c) = world

    def meeting_copy():
        return copies("meetings_meeting")[meeting.pk]

    assert meeting_copy() == []
    organiser = factories.involvement(meeting, b)
    assert meeting_copy() == [b.pk]
    factories.involvement(meeting, b, role=MeetingOrganization.Role.FUNDER)  # the same one twice: once
    assert meeting_copy() == [b.pk]
    speaker = factories.participation(meeting, factories.person("متحدث"), organization=a)
    assert meeting_copy() == sorted([a.pk, b.pk])
    speaker.organization = c
    speaker.save()
    assert meeting_copy() == sorted([b.pk, c.pk])
    Participation.objects.filter(pk=speaker.pk).update(organization=None)  # speaking for no one
    assert meeting_copy() == [b.pk]
    organiser.organization = a
    organiser.save()
    assert meeting_copy() == sorted([a.pk, b.pk])
    MeetingOrganization.objects.filter(meeting=meeting, organization=b).delete()
    assert meeting_copy() == [a.pk]
    MeetingOrganization.objects.bulk_create([MeetingOrganization(meeting=meeting, organization=c, role="partner")])
    Participation.objects.bulk_create([Participation(meeting=meeting, organization=b, role="speaker")])
    assert meeting_copy() == sorted([a.pk, b.pk, c.pk])
    assert_in_step()
    Participation.objects.filter(organization=b).delete()
    assert meeting_copy() == sorted([a.pk, c.pk])
    assert_in_step()
    other = factories.meeting()
    factories.involvement(other, a)
    meeting.delete()
    assert copies("meetings_meeting")[other.pk] == [a.pk]
    assert_in_step()


def test_a_write_that_changes_no_addressee_leaves_the_row_alone(world):
    _meeting, (first, *_rest), (a, *_others) = world
    first.addressees.add(a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM meetings_recommendation WHERE id = %s", [first.pk])
        before = cursor.fetchone()[0]
        # The same addressees written again (an import, the generator's rows): nothing to write.
        refresh = schema.ORGANIZATION_KEYS_OF["meetings_recommendation"].refresh_function
        cursor.execute(f"SELECT {refresh}(ARRAY[%s]::bigint[])", [first.pk])
        cursor.execute("SELECT xmin::text FROM meetings_recommendation WHERE id = %s", [first.pk])
        assert cursor.fetchone()[0] == before


RACES = {
    # kind: (its table, a row of it, an organisation added to that row's sources)
    "recommendation": (
        "meetings_recommendation",
        lambda: factories.recommendation(factories.meeting(published=True), text_ar="توصية يتسابق عليها اثنان"),
        lambda row, organization: Recommendation.objects.get(pk=row.pk).addressees.add(organization),
    ),
    "meeting": (
        "meetings_meeting",
        lambda: factories.meeting(published=True),
        lambda row, organization: factories.involvement(row, organization, role=MeetingOrganization.Role.PARTNER),
    ),
}


@pytest.mark.parametrize("kind", RACES)
@pytest.mark.django_db(transaction=True)
def test_two_transactions_changing_one_rows_organisations_at_once_both_reach_the_copy(kind):
    """The second waits for the first's lock on the row, then reads the sources again: without
    the lock it would write the organisations it saw, leaving out the first's."""
    table, make, add = RACES[kind]
    row = make()
    first, second = factories.organization("الأولى"), factories.organization("الثانية")
    started, errors = threading.Event(), []

    def add_second():
        try:
            with transaction.atomic():
                started.set()
                add(row, second)
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        add(row, first)
        thread = threading.Thread(target=add_second)
        thread.start()
        started.wait(10)
        wait_until_another_waits_for_a_lock()
    thread.join(30)
    assert not errors
    assert copies(table)[row.pk] == sorted([first.pk, second.pk])


def wait_until_another_waits_for_a_lock(errors=()):
    """Return once another connection waits for a lock that this one holds. Fail if the other
    reports an error in ``errors`` first, or after ten seconds.

    Within a transaction PostgreSQL answers ``pg_stat_activity`` from the snapshot taken on its
    first read, so each read clears it: otherwise a first read before the other connected would
    be all this loop ever saw."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and not errors:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    pytest.fail(f"the other transaction never waited for this one: {errors}")


@pytest.mark.django_db(transaction=True)
def test_a_merge_racing_a_save_of_the_same_meeting_waits_for_it_instead_of_deadlocking():
    """The staff save claims the meeting's version, then writes its rows. The merge moves a
    participation of that meeting, and the trigger then locks the meeting. Unless the merge locks
    the meeting first, it holds the participation while it waits for the meeting, the save waits
    for the participation, and PostgreSQL aborts one of them as a deadlock."""
    meeting = factories.meeting()
    duplicate = factories.organization("منظمة مكررة", is_pending=True)
    into = factories.organization("المنظمة الأصلية")
    participation = factories.participation(meeting, factories.person(), organization=duplicate)
    administrator = factories.user(is_superuser=True)
    started, errors = threading.Event(), []

    def merge():
        try:
            started.set()
            services.organization_merge(organization=Organization.objects.get(pk=duplicate.pk), into=into, by=administrator)
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(version=F("version") + 1)  # the save's claim
        thread = threading.Thread(target=merge)
        thread.start()
        started.wait(10)
        wait_until_another_waits_for_a_lock(errors)
        Participation.objects.filter(pk=participation.pk).update(statement_ar="ما قاله في الحفظ")  # its rows
    thread.join(30)
    assert not errors
    participation.refresh_from_db()
    assert (participation.organization_id, participation.statement_ar) == (into.pk, "ما قاله في الحفظ")
    assert copies("meetings_meeting")[meeting.pk] == [into.pk]


def test_the_search_filter_is_answered_by_the_copies(world):
    """The organisation filter of the search is on the copies, which the vector indexes hold
    beside the words (what the planner makes of it at size: docs/performance.md)."""
    _meeting, _drafts, (a, b, _c) = world
    meeting, elsewhere = factories.meeting(published=True), factories.meeting(published=True)
    factories.involvement(meeting, a)
    factories.participation(elsewhere, factories.person("متحدث"), organization=a)  # through a speaker
    factories.involvement(factories.meeting(published=True), b)
    items = [factories.recommendation(meeting, text_ar=f"توصية منشورة {i}") for i in range(3)]
    for item in items[:2]:
        item.addressees.add(a)
    query = SearchQuery.parse("لقاء")
    for kind, expected in (("meetings", {meeting.pk, elsewhere.pk}), ("recommendations", {items[0].pk, items[1].pk})):
        if kind == "recommendations":
            query = SearchQuery.parse("توصية")
        rows = matching(filtered(KINDS[kind], {"organization": a}), query, "ar")
        assert set(rows.values_list("pk", flat=True)) == expected
        table = rows.model._meta.db_table
        sql, params = pk_sql(rows)
        column = schema.ORGANIZATION_KEYS_OF[table].column
        assert f'"{table}".{column} @> ARRAY[%s]::bigint[]' in sql and a.pk in params


def test_the_migration_fills_the_copies_of_existing_rows_and_indexes_them(world):
    meeting, (first, second, _third), (a, b, _c) = world
    first.addressees.add(a, b)
    second.addressees.add(b)
    factories.involvement(meeting, b)
    tables = ("meetings_meeting", "meetings_recommendation")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no ALTER TABLE with deferred checks pending
    with connection.schema_editor() as editor:
        schema.remove_organization_keys(tables)(None, editor)
    # While no trigger keeps a copy.
    Addressee.objects.create(recommendation=second, organization=a)
    factories.participation(meeting, factories.person("متحدث"), organization=a)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cursor.execute(f"SELECT pg_get_indexdef('{table}_search_ar'::regclass)")
            assert cursor.fetchone()[0].endswith("USING gin (search_vector_ar)")
    with connection.schema_editor() as editor:
        schema.add_organization_keys(tables)(None, editor)
    assert_in_step()
    assert copies()[second.pk] == sorted([a.pk, b.pk])
    assert copies("meetings_meeting")[meeting.pk] == sorted([a.pk, b.pk])
    with connection.cursor() as cursor:
        for table in tables:
            column = schema.ORGANIZATION_KEYS_OF[table].column
            for language in ("ar", "en"):
                cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [f"{table}_search_{language}"])
                assert cursor.fetchone()[0].endswith(f"USING gin (search_vector_{language}, {column})")
    MeetingOrganization.objects.filter(organization=b).delete()
    Organization.objects.get(pk=b.pk).delete()  # its addressee rows go with it
    assert_in_step()
