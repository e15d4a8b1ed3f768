"""PostgreSQL: each recommendation's copy of its addressees (``addressee_ids``), which its search
index holds beside the words (search/schema.py, "The addressees beside the words").

A stale copy would put wrong results on a public page (an organisation's filtered search), so
every way the addressees change is checked against the addressees' table itself, and two
transactions changing one recommendation's addressees at once both reach the copy."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from meetings.models import Organization, Recommendation
from search import schema
from search.engine import KINDS, SearchQuery, filtered, matching, pk_sql

from . import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite searches without the copy"),
]

Addressee = Recommendation.addressees.through


def copies():
    """``{recommendation pk: its copy}`` for every recommendation."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {schema.ADDRESSEE_IDS} FROM meetings_recommendation")
        return {pk: list(ids) for pk, ids in cursor.fetchall()}


def truth():
    """``{recommendation pk: its addressees' keys, in order}`` from the addressees' table."""
    found = {pk: [] for pk in Recommendation.objects.values_list("pk", flat=True)}
    for recommendation, organization in Addressee.objects.order_by("organization_id").values_list(
        "recommendation_id", "organization_id"
    ):
        found[recommendation].append(organization)
    return found


def assert_in_step():
    assert copies() == truth()


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


def test_a_write_that_changes_no_addressee_leaves_the_row_alone(world):
    _meeting, (first, *_rest), (a, *_others) = world
    first.addressees.add(a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM meetings_recommendation WHERE id = %s", [first.pk])
        before = cursor.fetchone()[0]
        # The same addressees written again (an import, the generator's rows): nothing to write.
        cursor.execute(f"SELECT {schema.REFRESH_ADDRESSEE_IDS}(ARRAY[%s]::bigint[])", [first.pk])
        cursor.execute("SELECT xmin::text FROM meetings_recommendation WHERE id = %s", [first.pk])
        assert cursor.fetchone()[0] == before


@pytest.mark.django_db(transaction=True)
def test_two_transactions_adding_addressees_at_once_both_reach_the_copy():
    """The second waits for the first's lock on the recommendation, then reads the addressees
    again: without the lock it would write the addressees it saw, leaving out the first's."""
    meeting = factories.meeting(published=True)
    item = factories.recommendation(meeting, text_ar="توصية يتسابق عليها اثنان")
    first, second = factories.organization("الأولى"), factories.organization("الثانية")
    started, errors = threading.Event(), []

    def add_second():
        try:
            with transaction.atomic():
                started.set()
                Recommendation.objects.get(pk=item.pk).addressees.add(second)
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        item.addressees.add(first)
        thread = threading.Thread(target=add_second)
        thread.start()
        started.wait(10)
        # Wait until the other transaction waits for this one's lock on the recommendation.
        deadline = time.monotonic() + 10
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the second transaction never waited for the first")
    thread.join(30)
    assert not errors
    assert copies()[item.pk] == sorted([first.pk, second.pk])


def test_the_search_filter_is_answered_by_the_index_beside_the_words(world):
    """The organisation filter of the search is on the copy, which the recommendations' vector
    indexes hold beside the words (what the planner makes of it at size: docs/performance.md)."""
    _meeting, _drafts, (a, *_others) = world
    meeting = factories.meeting(published=True)
    items = [factories.recommendation(meeting, text_ar=f"توصية منشورة {i}") for i in range(3)]
    for item in items[:2]:
        item.addressees.add(a)
    query = SearchQuery.parse("توصية")
    rows = matching(filtered(KINDS["recommendations"], {"organization": a}), query, "ar")
    assert set(rows.values_list("pk", flat=True)) == {items[0].pk, items[1].pk}
    sql, params = pk_sql(rows)
    assert '"meetings_recommendation".addressee_ids @> ARRAY[%s]::bigint[]' in sql and a.pk in params


def test_the_migration_fills_the_copy_of_existing_rows_and_indexes_it(world):
    _meeting, (first, second, _third), (a, b, _c) = world
    first.addressees.add(a, b)
    second.addressees.add(b)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no ALTER TABLE with deferred checks pending
    with connection.schema_editor() as editor:
        schema.remove_addressee_ids(None, editor)
    Addressee.objects.create(recommendation=second, organization=a)  # while no trigger keeps a copy
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('meetings_recommendation_search_ar'::regclass)")
        assert cursor.fetchone()[0].endswith("USING gin (search_vector_ar)")
    with connection.schema_editor() as editor:
        schema.add_addressee_ids(None, editor)
    assert_in_step()
    assert copies()[second.pk] == sorted([a.pk, b.pk])
    with connection.cursor() as cursor:
        for language in ("ar", "en"):
            cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [f"meetings_recommendation_search_{language}"])
            assert cursor.fetchone()[0].endswith(f"USING gin (search_vector_{language}, addressee_ids)")
    Organization.objects.get(pk=b.pk).delete()
    assert_in_step()
