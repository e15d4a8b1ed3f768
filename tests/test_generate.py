"""The data generator (meetings/generate.py, ``manage.py generate_data``) at small size, on
the database of the run (SQLite or PostgreSQL): the counts asked for, and everything derived
from the rows — search columns, who is public, summary counts — as the application's own
rules compute it. No protected person is ever public."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from meetings import publicity, tallies
from meetings.generate import generate
from meetings.models import (
    Meeting,
    MonthlyTally,
    Organization,
    Person,
    Recommendation,
    RecommendationUpdate,
    SearchTerm,
    Tally,
)
from search.engine import search

from .test_tallies import stored, truth

pytestmark = pytest.mark.django_db(transaction=True)

SIZE = {"meetings": 60, "recommendations": 400, "organizations": 40, "people": 50}


@pytest.fixture
def generated():
    return generate(**SIZE, seed=7, drafts_share=0.2)


def test_counts_are_those_asked_for(generated):
    assert Meeting.objects.count() == SIZE["meetings"]
    assert Recommendation.objects.count() == SIZE["recommendations"]
    assert Organization.objects.count() == SIZE["organizations"]
    assert Person.objects.count() == SIZE["people"]
    assert generated["meetings"] == SIZE["meetings"]
    statuses = set(Meeting.objects.values_list("status", flat=True))
    assert {"published", "draft"} <= statuses
    # Follow-up mostly approved by a reviewer (the public timelines and the delay charts), some awaiting review.
    approved = RecommendationUpdate.objects.approved()
    assert approved.count() > RecommendationUpdate.objects.pending().count() > 0
    assert not approved.filter(reviewed_at=None).exists()
    assert Person.objects.filter(visibility=Person.Visibility.PROTECTED).exists()


def test_follow_up_is_entered_and_reviewed_around_its_date_never_after_now(generated):
    """A digest reads the updates reviewed in its period (notifications/subscriptions.py). With
    every update stamped at the moment of generation, each digest found all of them."""
    now = timezone.now()
    rows = list(RecommendationUpdate.objects.values_list("date", "created_at", "reviewed_at", "review_state"))
    assert len(rows) > 10
    for date, created, reviewed, state in rows:
        assert created <= now and created.astimezone(datetime.timezone.utc).date() in (date, now.date())
        if state == RecommendationUpdate.Review.APPROVED:
            assert created <= reviewed <= min(now, created + datetime.timedelta(days=2))
    assert len({date for date, *_rest in rows}) > len(rows) // 4
    latest = max(reviewed for *_rest, reviewed, _state in rows if reviewed)
    day_before = latest - datetime.timedelta(days=1)
    assert 0 < sum(1 for *_rest, reviewed, _state in rows if reviewed and reviewed > day_before) < len(rows) // 4
    # Ten days or more after its meeting, not after today, and not piled up on it.
    today = timezone.localdate()
    assert all(date <= today for date, *_rest in rows)
    assert sum(1 for date, *_rest in rows if date == today) < len(rows) // 20
    assert not RecommendationUpdate.objects.filter(date__lt=F("recommendation__meeting__date") + datetime.timedelta(days=10))
    # A recommendation is written down with its meeting, not at the moment of generation.
    assert Recommendation.objects.filter(created_at__lt=now - datetime.timedelta(days=30)).count() > len(rows)


def test_derived_data_follows_the_rules(generated):
    organizations = set(Organization.objects.filter(is_published=True).values_list("pk", flat=True))
    assert organizations == set(Organization.objects.appearing_in_published().values_list("pk", flat=True))
    people = set(Person.objects.filter(is_published=True).values_list("pk", flat=True))
    assert people == set(Person.objects.taking_part_in_published().values_list("pk", flat=True))
    # Nothing left to recompute.
    assert publicity.refresh_all() == 0
    assert stored() == truth()
    # Most organisations are small, a few very active.
    activity = sorted(
        (org.involvements.count() for org in Organization.objects.all()), reverse=True
    )
    assert activity[0] >= 5 * max(1, activity[len(activity) // 2])


def test_search_columns_are_what_the_models_compute(generated):
    """The same terms in the same order: the organisation look-up reads a name's words side by
    side (meetings/lookup.py), and a column in another order would be written again by the
    next refill of its record (a merge refills every recommendation of the meetings it changes)."""
    for model in (Meeting, Recommendation, Organization, Person):
        for obj in model._base_manager.order_by("pk")[:25]:
            for column, value in model.search_document.columns(obj).items():
                assert getattr(obj, column) == value, (model, obj.pk, column)
    assert SearchTerm.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the copies the search indexes hold")
def test_each_meeting_and_recommendation_carries_its_organisations(generated):
    from .test_organization_keys import copies
    from .test_organization_keys import truth as sources

    for table in ("meetings_meeting", "meetings_recommendation"):
        expected = sources(table)
        assert copies(table) == expected
        assert sum(1 for keys in expected.values() if keys) > len(expected) // 2


def test_no_protected_person_is_public_or_found(generated):
    protected = Person.objects.filter(visibility=Person.Visibility.PROTECTED)
    assert not Person.objects.published().filter(pk__in=protected.values("pk")).exists()
    assert set(protected.values_list("search_title_ar", flat=True)) == {""}
    name = protected.exclude(participations=None).values_list("name", flat=True).first()
    words = [word for word in name.split() if len(word) > 3]
    published_with_name = Meeting.objects.published().filter(search_body_ar__contains=name)
    assert not published_with_name.exists()
    results = search(name)
    assert not any(getattr(item, "name", None) == name for item in getattr(results, "people", []) or []), words


def test_the_command_reports_and_refuses_bad_values(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_data", meetings=5, recommendations=20, organizations=4, people=6, stdout=out, stderr=err)
    assert "Generated in" in out.getvalue()
    assert "100.0%" in err.getvalue()
    assert Meeting.objects.count() == 5
    with pytest.raises(CommandError):
        call_command("generate_data", meetings=-1, stdout=out, stderr=err)
    with pytest.raises(CommandError):
        call_command("generate_data", drafts_share=2.0, stdout=out, stderr=err)


def all_visible_pages():
    """{table: (pages, pages marked all-visible)} of the summary tables, as ANALYZE reads them
    from PostgreSQL's visibility map (which only VACUUM fills)."""
    tables = [Tally._meta.db_table, MonthlyTally._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")
        cursor.execute("SELECT relname, relpages, relallvisible FROM pg_class WHERE relname = ANY(%s)", [tables])
        return {name: (pages, visible) for name, pages, visible in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM and the visibility map are PostgreSQL's")
def test_the_rewritten_summary_tables_are_left_vacuumed(generated):
    """Every summary row is new after a rebuild: until VACUUM marks the pages all-visible, the
    statistics page's index-only scans read the table too (177 ms instead of 42 ms at 100,000
    meetings, docs/performance.md). The generator's finish and a rebuild outside a transaction
    leave them vacuumed."""
    for when in ("generated", "rebuilt"):
        if when == "rebuilt":
            tallies.rebuild()
        pages = all_visible_pages()
        assert len(pages) == 2 and all(count > 0 and visible == count for count, visible in pages.values()), (when, pages)


def test_every_meeting_has_the_versions_its_history_would_hold(generated):
    """The workspace's activity and a meeting's history read the history tables: at size, they
    are as large as they would be. A version copies the meeting; a draft has one, others two."""
    from meetings.generate import write_meeting_versions

    history = Meeting.history.model
    drafts = Meeting.objects.filter(status=Meeting.Status.DRAFT).count()
    assert history.objects.filter(history_type="+").count() == SIZE["meetings"]
    assert history.objects.filter(history_type="~").count() == SIZE["meetings"] - drafts > 0
    meeting = Meeting.objects.exclude(status=Meeting.Status.DRAFT).order_by("pk").first()
    first, reviewed = meeting.history.order_by("history_date", "history_id")
    assert (first.history_type, first.history_date) == ("+", meeting.created_at)
    assert (first.title_ar, first.status, reviewed.history_type) == (meeting.title_ar, meeting.status, "~")
    # Written down and published around their dates, never in the future.
    from django.utils import timezone

    moments = list(Meeting.objects.values_list("created_at", "published_at"))
    assert len({written for written, _published in moments}) > SIZE["meetings"] // 2
    now = timezone.now()
    assert all(written <= now and (published is None or written <= published <= now) for written, published in moments)
    write_meeting_versions()  # a second run adds nothing
    assert history.objects.count() == 2 * SIZE["meetings"] - drafts
