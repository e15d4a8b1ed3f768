"""Search: keeping the index in sync, what the public may find, ranking, the page, suggestions.

Everything runs through the real engine of the database under test (FTS5 on SQLite,
tsvector on PostgreSQL); the shared matching cases are in test_search_engine_cases.py.
"""

import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from hypothesis import given, settings
from hypothesis import strategies as st

import search.terms as terms_module
from search import engine
from search.checks import postgresql_locale_problem, search_database_messages
from meetings.models import (
    Governorate,
    Meeting,
    Organization,
    Participation,
    Person,
    Recommendation,
    SearchTerm,
    Tag,
    Theme,
)
from meetings.models.searchable import SEARCH_COLUMNS, document_terms, exact_terms
from search.engine import KINDS, SearchQuery, filtered, matching, ranked, search
from search.schema import SEARCH_TABLES, TERMS_TABLE, ensure_search_schema
from tests import factories
from tests.portal import PortalClient

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


@pytest.fixture
def client():
    return PortalClient()


def finds(model_or_kind, query, language="ar"):
    """Primary keys of the public records of a kind that ``query`` finds."""
    kind = KINDS[model_or_kind] if isinstance(model_or_kind, str) else model_or_kind
    return set(matching(filtered(kind, {}), SearchQuery.parse(query), language).values_list("pk", flat=True))


def raw_finds(model, query, language="ar"):
    """Primary keys of *all* rows of ``model`` (published or not) that the index matches."""
    return set(matching(model._base_manager.all(), SearchQuery.parse(query), language).values_list("pk", flat=True))


def published_meeting(title="لقاء تشاوري", **fields):
    fields.setdefault("governorate", None)
    return factories.meeting(title, published=True, **fields)


# --- Index terms -------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="اأإآءؤئوية الإنسانحقوقبكلم\u064b\u064e\u0650\u0654\u0640\u200c\u00a0 \t\n\r،.!123١٢٣ABCa", max_size=60))
def test_exact_terms_piece_by_piece_are_those_of_the_whole_text(text):
    """``exact_terms`` computes (and keeps) the forms of each piece between spaces: the same forms,
    in the same order, as the whole text read at once, whatever stands at a piece's edge."""
    assert exact_terms(text) == list(terms_module._piece_exact_terms.__wrapped__(text))


def test_exact_terms_keep_hamza_and_drop_only_marks():
    assert exact_terms("حقوقُ الإنسانِ") == ["الإنسان", "إنسان"]
    assert exact_terms("والإنسان") == ["والإنسان", "الإنسان", "إنسان"]
    assert exact_terms("حقوق الانسان") == []  # already normalised: nothing to add


def test_document_terms_are_unique_single_spaced_letters_and_digits():
    value = document_terms(["  «حقوق» الإنسان، وحقوق الإنسان!  ", "ﷲ ٢٠٢٢م"])
    terms = value.split(" ")
    assert "" not in terms and len(terms) == len(set(terms))
    assert all(re.fullmatch(r"[^\W_]+", term) for term in terms)
    assert {"حقوق", "وحقوق", "الانسان", "انسان", "الإنسان", "2022", "٢٠٢٢", "الله"} <= set(terms)


def test_document_terms_leave_out_words_longer_than_any_query():
    assert document_terms(["ب" * 500 + " مأرب"]) == "مارب مأرب ـمارب"


# --- Keeping the index in sync -----------------------------------------------------------------


def test_save_fills_the_search_columns():
    meeting = published_meeting("لقاء حقوق الإنسان", summary_ar="تعزيز آلية التنسيق")
    meeting.refresh_from_db()
    assert "انسان" in meeting.search_title_ar.split()
    assert "تنسيق" in meeting.search_body_ar.split()
    assert meeting.pk in finds("meetings", "التنسيق")


def test_save_with_update_fields_refills_only_when_the_text_changes():
    meeting = published_meeting("لقاء أول")
    meeting.title_ar = "لقاء ثان"
    meeting.save(update_fields=["title_ar"])
    assert meeting.pk in finds("meetings", "ثان")
    assert meeting.pk not in finds("meetings", "أول")


def test_english_columns_fall_back_to_arabic_per_field():
    meeting = published_meeting("لقاء حقوق الإنسان", title_en="Human rights meeting", summary_ar="مأرب")
    assert meeting.pk in finds("meetings", "human", "en")
    assert meeting.pk not in finds("meetings", "human", "ar")
    assert meeting.pk not in finds("meetings", "الإنسان", "en")  # the title has English
    assert meeting.pk in finds("meetings", "مأرب", "en")  # the summary has none: Arabic


def test_queryset_update_refreshes_the_rows_it_changes():
    first, second = published_meeting("لقاء"), published_meeting("لقاء")
    Meeting.objects.filter(pk=first.pk).update(title_ar="اجتماع الشفافية")
    assert finds("meetings", "الشفافية") == {first.pk}
    Meeting.objects.filter(pk__in=[first.pk, second.pk]).update(minutes_ar="المساءلة المجتمعية")
    assert finds("meetings", "المساءلة") == {first.pk, second.pk}


def test_queryset_update_of_other_fields_leaves_the_index_alone(django_assert_num_queries):
    meeting = published_meeting("لقاء")
    with django_assert_num_queries(1):  # a field neither search nor the summary counts read
        Meeting.objects.filter(pk=meeting.pk).update(source_url="https://example.org/news/2")


def test_bulk_create_and_bulk_update_fill_the_columns():
    meeting = published_meeting("لقاء")
    created = Recommendation.objects.bulk_create(
        [Recommendation(meeting=meeting, order=1, text_ar="تفعيل الشراكة"), Recommendation(meeting=meeting, order=2, text_ar="أخرى")]
    )
    if connection.features.can_return_rows_from_bulk_insert:
        assert finds("recommendations", "الشراكة") == {created[0].pk}
    first = Recommendation.objects.get(meeting=meeting, order=1)
    first.text_ar = "توسيع المشاركة"
    Recommendation.objects.bulk_update([first], ["text_ar"])
    assert finds("recommendations", "المشاركة") == {first.pk}
    assert finds("recommendations", "الشراكة") == set()


def test_refresh_search_text_refills_rows_changed_behind_the_models_back():
    meeting = published_meeting("لقاء")
    # A raw write (a data fix, a restore) that bypasses the models.
    Meeting._base_manager.filter(pk=meeting.pk).update(search_title_ar="", search_body_ar="")
    assert meeting.pk not in finds("meetings", "لقاء")
    Meeting.objects.filter(pk=meeting.pk).refresh_search_text()
    assert meeting.pk in finds("meetings", "لقاء")


def test_rebuild_search_index_command_refills_everything_and_the_vocabulary(capsys):
    meeting = published_meeting("لقاء الشفافية")
    Meeting._base_manager.update(search_title_ar="", search_body_ar="")
    SearchTerm.objects.all().delete()
    call_command("rebuild_search_index", batch_size=1)
    assert meeting.pk in finds("meetings", "الشفافية")
    assert SearchTerm.objects.filter(term="الشفافيه").exists()
    assert "Search index rebuilt" in capsys.readouterr().out


def test_tags_added_removed_renamed_and_deleted_are_followed():
    meeting = published_meeting("لقاء")
    tag = factories.tag("مشروع_ساند")
    meeting.tags.add(tag)
    assert meeting.pk in finds("meetings", "ساند")
    tag.name_ar = "مشروع_سلام"
    tag.save()
    assert meeting.pk in finds("meetings", "سلام") and meeting.pk not in finds("meetings", "ساند")
    Tag.objects.filter(pk=tag.pk).update(name_ar="مشروع_أمل")
    assert meeting.pk in finds("meetings", "أمل")
    meeting.tags.remove(tag)
    assert meeting.pk not in finds("meetings", "أمل")
    meeting.tags.add(tag)
    meeting.tags.clear()
    assert meeting.pk not in finds("meetings", "أمل")
    # (Not tag.meetings.add(): django-simple-history's m2m receiver fails on the reverse side.)
    meeting.tags.set([tag])
    assert meeting.pk in finds("meetings", "أمل")
    tag.delete()
    assert meeting.pk not in finds("meetings", "أمل")


def test_governorate_and_theme_renames_are_followed():
    meeting = published_meeting("لقاء", governorate=factories.governorate("marib"))
    item = factories.recommendation(meeting, theme=factories.theme("بناء القدرات"))
    assert meeting.pk in finds("meetings", "مأرب")
    Governorate.objects.filter(slug="marib").update(name_ar="مأرب الجديدة")
    assert meeting.pk in finds("meetings", "الجديدة")
    theme = item.theme
    theme.name_ar = "الحوكمة"
    theme.save()
    assert item.pk in finds("recommendations", "الحوكمة")
    Theme.objects.filter(pk=theme.pk).update(name_ar="الشفافية")
    assert item.pk in finds("recommendations", "الشفافية") and item.pk not in finds("recommendations", "الحوكمة")


def test_participations_statements_are_followed():
    meeting = published_meeting("لقاء")
    participation = factories.participation(meeting, factories.person(public=True), statement_ar="نطالب بالإنصاف")
    assert meeting.pk in finds("meetings", "الإنصاف")
    Participation.objects.filter(pk=participation.pk).update(statement_ar="نؤكد على الحياد")
    assert meeting.pk in finds("meetings", "الحياد") and meeting.pk not in finds("meetings", "الإنصاف")
    participation.delete()
    assert meeting.pk not in finds("meetings", "الحياد")


def search_column_writes(queries, table):
    """The statements among ``queries`` that write the search columns of ``table``."""
    return [query["sql"] for query in queries if query["sql"].startswith(f'UPDATE "{table}" SET "search_title_ar"')]


def test_an_edit_that_leaves_what_documents_include_refills_none_of_them():
    """A theme, governorate, tag, organisation or person can be named by a national archive's
    share of documents: an edit of its other fields (in the admin) refills none of them, a change
    of what they include refills them, in the same save."""
    governorate = factories.governorate("marib")
    meeting = published_meeting("لقاء", governorate=governorate)
    organization = factories.organization("جمعية الأفق")
    factories.involvement(meeting, organization, role="organiser")
    person = factories.person("سعاد الحكيمي", public=True)
    factories.participation(meeting, person)
    tag = factories.tag("مشروع_ساند")
    meeting.tags.add(tag)
    item = factories.recommendation(meeting, theme=factories.theme("بناء القدرات"))
    edits = [
        (governorate, "slug", "marib-2", "name_ar", "مأرب الكبرى", "الكبرى", "meetings_meeting"),
        (governorate, "slug", "marib-3", "name_en", "Greater Marib", "greater", "meetings_recommendation"),
        (item.theme, "slug", "capacity-2", "name_ar", "الحوكمة", "الحوكمة", "meetings_recommendation"),
        (tag, "slug", "sanad-2", "name_ar", "مشروع_سلام", "سلام", "meetings_meeting"),
        (organization, "website", "https://example.org", "name_ar", "جمعية الفجر", "الفجر", "meetings_recommendation"),
        (person, "notes", "ملاحظة داخلية", "name_ar", "سعاد الصبري", "الصبري", "meetings_meeting"),
    ]
    for obj, other, other_value, name, value, word, table in edits:
        obj = type(obj).objects.get(pk=obj.pk)  # as the admin loads it
        setattr(obj, other, other_value)
        with CaptureQueriesContext(connection) as queries:
            obj.save()
        # Not even read: a refill that finds nothing changed writes nothing, but reads and computes them all.
        assert [query["sql"] for query in queries.captured_queries if f'"{table}"' in query["sql"]] == [], other
        setattr(obj, name, value)
        with CaptureQueriesContext(connection) as queries:
            obj.save()
        assert len(search_column_writes(queries, table)) == 1, (type(obj).__name__, name)
        language = "en" if name.endswith("_en") else "ar"
        assert (item.pk if table == "meetings_recommendation" else meeting.pk) in finds(
            "recommendations" if table == "meetings_recommendation" else "meetings", word, language
        )
    # Protecting someone takes their name out at once, whatever else the save changes.
    person = Person.objects.get(pk=person.pk)
    person.visibility = Person.Visibility.PROTECTED
    person.save()
    assert meeting.pk not in finds("meetings", "الصبري")


def test_an_update_of_statements_refills_their_meeting_once():
    meeting = published_meeting("لقاء")
    row = factories.participation(meeting, factories.person(public=True), statement_ar="نطالب بالإنصاف")
    with CaptureQueriesContext(connection) as queries:
        Participation.objects.filter(pk=row.pk).update(statement_ar="نؤكد على الحياد")
    # The meeting the row was in before the update and after it is one document: filled once.
    assert len(search_column_writes(queries.captured_queries, "meetings_meeting")) == 1
    assert meeting.pk in finds("meetings", "الحياد") and meeting.pk not in finds("meetings", "الإنصاف")


def test_a_bulk_update_of_statements_refills_their_meeting_once():
    """Django's bulk_update() writes through update(): the meeting is not refilled by both."""
    meeting = published_meeting("لقاء")
    rows = [factories.participation(meeting, factories.person(public=True), statement_ar=f"كلام {n}") for n in range(3)]
    for row in rows:
        row.statement_ar = "نؤكد على الحياد"
    with CaptureQueriesContext(connection) as queries:
        Participation.objects.bulk_update(rows, ["statement_ar"])
    assert len(search_column_writes(queries.captured_queries, "meetings_meeting")) == 1
    assert meeting.pk in finds("meetings", "الحياد") and meeting.pk not in finds("meetings", "كلام")


def test_a_participation_moved_in_bulk_leaves_one_document_and_joins_the_other():
    first, second = published_meeting("لقاء أول"), published_meeting("لقاء ثان")
    row = factories.participation(first, factories.person(public=True), statement_ar="نطالب بالإنصاف")
    assert finds("meetings", "الإنصاف") == {first.pk}
    row.meeting = second
    Participation.objects.bulk_update([row], ["meeting"])
    assert finds("meetings", "الإنصاف") == {second.pk}


def test_a_bulk_update_of_recommendations_writes_their_text_and_search_columns_together():
    meeting = published_meeting("لقاء")
    items = [factories.recommendation(meeting, text_ar=f"توصية {n}") for n in range(3)]
    for item in items:
        item.text_ar = "توسيع المشاركة"
    with CaptureQueriesContext(connection) as queries:
        Recommendation.objects.bulk_update(items, ["text_ar"])
    writes = [query["sql"] for query in queries.captured_queries if query["sql"].startswith('UPDATE "meetings_recommendation"')]
    assert len(writes) == 1, writes  # not refilled a second time by the update() it runs through
    assert finds("recommendations", "المشاركة") == {item.pk for item in items}


def test_a_meeting_saved_as_it_was_leaves_its_recommendations_rows_alone():
    meeting = published_meeting("لقاء")
    items = [factories.recommendation(meeting, text_ar=f"توصية {n}") for n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        meeting.save()
    assert search_column_writes(queries.captured_queries, "meetings_recommendation") == []
    meeting.title_ar = "لقاء الشفافية"
    with CaptureQueriesContext(connection) as queries:
        meeting.save()
    # Their context changed: the three rows are written, in one statement.
    assert len(search_column_writes(queries.captured_queries, "meetings_recommendation")) == 1
    assert finds("recommendations", "الشفافية") == {item.pk for item in items}


def test_deleting_a_meeting_removes_it_and_its_recommendations_from_the_index():
    meeting = published_meeting("لقاء الوداع")
    item = factories.recommendation(meeting, text_ar="توصية الوداع")
    factories.participation(meeting, factories.person(public=True), statement_ar="الوداع")
    meeting.delete()
    assert raw_finds(Meeting, "الوداع") == set() and raw_finds(Recommendation, "الوداع") == set()
    assert not Recommendation.objects.filter(pk=item.pk).exists()


def test_vocabulary_grows_with_the_documents():
    published_meeting("لقاء الاستجابة الإنسانية")
    assert SearchTerm.objects.filter(term="الاستجابه").exists()


# --- Only what is public -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [Meeting.Status.DRAFT, Meeting.Status.REVIEW, Meeting.Status.ARCHIVED])
def test_unpublished_meetings_and_their_recommendations_are_never_found(client, status):
    meeting = factories.meeting("اجتماع سري للغاية", status=status, governorate=None)
    item = factories.recommendation(meeting, text_ar="توصية سرية للغاية")
    assert meeting.pk in raw_finds(Meeting, "سري")  # indexed ...
    assert finds("meetings", "اجتماع سري للغاية") == set()  # ... but never found, even by its exact title
    assert finds("recommendations", "توصية سرية للغاية") == set()
    for query in ("اجتماع سري للغاية", "سرية", "للغاية"):
        response = client.get(reverse("search:search"), {"q": query})
        assert response.status_code == 200
        assert meeting.get_absolute_url() not in response.content.decode()
        assert item.get_absolute_url() not in response.content.decode()
        assert "سري" not in _hits_html(response)


def test_unpublishing_takes_a_meeting_out_of_the_results():
    meeting = published_meeting("لقاء منشور")
    assert meeting.pk in finds("meetings", "منشور")
    meeting.unpublish()
    assert finds("meetings", "منشور") == set()


def test_a_protected_persons_name_is_never_found_nor_indexed(client):
    name = "سميرة المدافعة"
    protected = factories.person(name)
    public = factories.person("محمد المسؤول العام", public=True)
    meeting = published_meeting("لقاء")
    factories.participation(meeting, protected, statement_ar="قالت كلاما")
    factories.participation(meeting, public, statement_ar="قال كلاما")
    for query in (name, "سميرة", "المدافعة"):
        assert all(not result for result in search(query).groups for result in [result.rows])
        response = client.get(reverse("search:search"), {"q": query})
        assert "سميرة" not in _hits_html(response)
    # Not in any search column of any record, in any language.
    for model in (Meeting, Recommendation, Organization, Person):
        for row in model._base_manager.values_list(*SEARCH_COLUMNS):
            assert all("سميره" not in value and "سميرة" not in value for value in row)
    assert SearchTerm.objects.filter(term__in=["سميره", "المدافعه"]).count() == 0
    # The public participant is found, by name, as a person and in the meeting.
    assert public.pk in finds("people", "المسؤول")
    assert meeting.pk in finds("meetings", "المسؤول")


def test_a_person_made_protected_disappears_from_person_and_meeting_results():
    person = factories.person("خالد الناطق", public=True)
    meeting = published_meeting("لقاء")
    factories.participation(meeting, person)
    assert person.pk in finds("people", "الناطق") and meeting.pk in finds("meetings", "الناطق")
    person.visibility = Person.Visibility.PROTECTED
    person.save()
    assert finds("people", "الناطق") == set() and finds("meetings", "الناطق") == set()
    Person.objects.filter(pk=person.pk).update(visibility=Person.Visibility.PUBLIC)
    assert meeting.pk in finds("meetings", "الناطق")
    Person.objects.filter(pk=person.pk).update(visibility=Person.Visibility.PROTECTED)
    assert raw_finds(Meeting, "الناطق") == set() and raw_finds(Person, "الناطق") == set()


def test_an_organisation_known_only_from_drafts_is_not_found():
    hidden = factories.organization("مجموعة الظل")
    factories.involvement(factories.meeting("مسودة", governorate=None), hidden)
    shown = factories.organization("مجموعة النور")
    factories.involvement(published_meeting("لقاء"), shown)
    assert finds("organizations", "مجموعة") == {shown.pk}


def _hits_html(response):
    """The results and the suggestion of a search page (not the query it repeats)."""
    content = response.content.decode()
    parts = re.findall(r'<ol class="cards search-results">.*?</ol>', content, flags=re.S)
    parts += re.findall(r'<p class="search-suggestion">.*?</p>', content, flags=re.S)
    return "\n".join(parts)


# --- Ranking -----------------------------------------------------------------------------------


def test_a_title_match_outranks_a_match_in_the_minutes():
    deep = published_meeting("لقاء", minutes_ar="كلام طويل " * 50 + "عن الشفافية")
    titled = published_meeting("لقاء الشفافية")
    order = list(ranked(Meeting.objects.published(), SearchQuery.parse("الشفافية")).values_list("pk", flat=True))
    assert order == [titled.pk, deep.pk]


def test_the_exact_spelling_ranks_above_the_normalised_one():
    """For «الإنسان», a record writing «الإنسان» comes before one writing «الانسان»."""
    exact = published_meeting("حقوق الإنسان في مأرب")
    loose = published_meeting("حقوق الانسان في مأرب")  # newer: it would win a tie
    order = list(ranked(Meeting.objects.published(), SearchQuery.parse("الإنسان")).values_list("pk", flat=True))
    assert order == [exact.pk, loose.pk]
    also = list(ranked(Meeting.objects.published(), SearchQuery.parse("لحقوق الإنسان")).values_list("pk", flat=True))
    assert also == [exact.pk, loose.pk]
    # Typed without hamza, the query prefers neither spelling, and finds both.
    assert finds("meetings", "الانسان") == {exact.pk, loose.pk}


@on_postgresql
def test_a_kind_the_planner_expects_to_be_huge_is_not_counted(monkeypatch):
    monkeypatch.setattr(engine, "BROAD_ESTIMATE", 0)  # every estimate is "huge"
    meetings = [published_meeting(f"لقاء التنسيق {i}") for i in range(engine.PREVIEW + 2)]
    results = search("التنسيق")
    group = results.groups[0]
    assert group.estimated and group.more_than_cap and len(group.rows) == engine.PREVIEW
    assert {row.pk for row in group.rows} <= {m.pk for m in meetings}
    # An estimate proved wrong by a short first page is corrected.
    assert search("لقاء التنسيق 3").groups[0].count == 1


def test_ranking_window_ranks_only_the_first_matches_but_finds_them_all(monkeypatch):
    meetings = [published_meeting(f"لقاء التنسيق {i}") for i in range(5)]
    capped = list(ranked(Meeting.objects.published(), SearchQuery.parse("التنسيق"), window=2))
    assert len(capped) == 2
    assert {m.pk for m in meetings} == finds("meetings", "التنسيق")


def test_the_all_kinds_page_ranks_a_smaller_window_than_a_kind_s_tab(monkeypatch):
    """Beyond COUNT_CAP matches, the "all kinds" preview ranks the first PREVIEW_WINDOW found
    (it shows PREVIEW), a kind's tab the first RANK_WINDOW (it pages through them)."""
    assert engine.PREVIEW <= engine.PREVIEW_WINDOW < engine.RANK_WINDOW
    meetings = [published_meeting(f"لقاء التنسيق {i}") for i in range(6)]
    monkeypatch.setattr(engine, "COUNT_CAP", 3)
    monkeypatch.setattr(engine, "PREVIEW", 2)
    monkeypatch.setattr(engine, "PREVIEW_WINDOW", 3)
    monkeypatch.setattr(engine, "RANK_WINDOW", 5)
    windows = []
    real_ranked = engine.ranked

    def spy(queryset, query, language=None, *, window, **options):
        if queryset.model is Meeting:
            windows.append(window)
        return real_ranked(queryset, query, language, window=window, **options)

    monkeypatch.setattr(engine, "ranked", spy)
    preview = search("التنسيق").groups[0]
    assert windows == [3] and len(preview.rows) == 2
    tab = search("التنسيق", kind="meetings")
    assert windows == [3, 5] and len(tab.current.rows) == 5
    assert {row.pk for row in tab.current.rows} <= {m.pk for m in meetings}


# --- The search page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "meetings:home",
        "meetings:meeting_list",
        "meetings:recommendation_list",
        "meetings:organization_list",
        "meetings:governorate_list",
        "meetings:project_list",
    ],
)
@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_page_has_the_search_box(client, settings, url, language):
    with translation.override(language):
        path = reverse(url)
    response = client.get(path)
    assert response.status_code == 200
    content = response.content.decode()
    expected_action = "/en/search/" if language == "en" else "/search/"
    assert f'action="{expected_action}"' in content and 'role="search"' in content
    assert re.search(r'<label[^>]*for="site-search-q"', content) and 'id="site-search-q" name="q"' in content


def test_the_search_box_is_on_the_404_page_too(client):
    response = client.get("/meetings/no-such-meeting/")
    assert response.status_code == 404
    assert 'id="site-search-q"' in response.content.decode()


def test_search_page_groups_results_by_kind_and_highlights_the_original_text(client):
    meeting = published_meeting("حقوقُ الإنسانِ في مأرب")
    item = factories.recommendation(meeting, text_ar="تعزيز حماية الإنسان")
    response = client.get(reverse("search:search"), {"q": "الانسان"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<mark>الإنسانِ</mark>" in content  # the diacritics are kept inside the mark
    assert meeting.get_absolute_url() in content and item.get_absolute_url() in content
    assert 'id="results-meetings"' in content and 'id="results-recommendations"' in content
    assert 'id="results-people"' not in content  # no person matched


def test_search_page_shows_one_kind_with_pages(client, monkeypatch):
    monkeypatch.setattr(engine, "PER_PAGE", 2)
    meetings = [published_meeting(f"لقاء التنسيق رقم {i}", date=datetime.date(2022, 1, 1 + i)) for i in range(5)]
    url = reverse("search:search")
    first = client.get(url, {"q": "التنسيق", "kind": "meetings"}).content.decode()
    assert first.count('class="card search-hit"') == 2 and 'rel="next"' in first and 'rel="prev"' not in first
    third = client.get(url, {"q": "التنسيق", "kind": "meetings", "page": 3}).content.decode()
    assert third.count('class="card search-hit"') == 1 and 'rel="next"' not in third and 'rel="prev"' in third
    shown = set()
    for page in (1, 2, 3):
        html = client.get(url, {"q": "التنسيق", "kind": "meetings", "page": page}).content.decode()
        shown |= {m.pk for m in meetings if m.get_absolute_url() in html}
    assert shown == {m.pk for m in meetings}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999999", "1e3", ""])
def test_a_bad_page_number_shows_the_first_page(client, page):
    published_meeting("لقاء التنسيق")
    response = client.get(reverse("search:search"), {"q": "التنسيق", "kind": "meetings", "page": page})
    assert response.status_code == 200 and 'class="card search-hit"' in response.content.decode()


def test_filters_narrow_every_kind_they_apply_to():
    marib, aden = factories.governorate("marib"), factories.governorate("aden")
    project = factories.project("مشروع السلام")
    in_marib = published_meeting("لقاء التنسيق", governorate=marib, project=project, date=datetime.date(2022, 5, 1))
    in_aden = published_meeting("لقاء التنسيق", governorate=aden, date=datetime.date(2023, 5, 1))
    marib_item = factories.recommendation(in_marib, text_ar="التنسيق المستمر")
    aden_item = factories.recommendation(in_aden, text_ar="التنسيق المستمر")
    aden_item.set_status(Recommendation.Status.ACCEPTED)
    organization = factories.organization("منظمة التنسيق", governorate=marib)
    factories.involvement(in_marib, organization)
    marib_item.addressees.add(organization)

    def ids(results):
        return {group.name: {row.pk for row in group.rows} for group in results.groups}

    by_place = ids(search("التنسيق", filters={"governorate": marib}))
    assert by_place == {"meetings": {in_marib.pk}, "recommendations": {marib_item.pk}, "organizations": {organization.pk}}
    assert ids(search("التنسيق", filters={"project": project})) == {
        "meetings": {in_marib.pk},
        "recommendations": {marib_item.pk},
    }
    assert ids(search("التنسيق", filters={"organization": organization})) == {
        "meetings": {in_marib.pk},
        "recommendations": {marib_item.pk},
    }
    assert ids(search("التنسيق", filters={"status": "accepted"})) == {"recommendations": {aden_item.pk}}
    dated = ids(search("التنسيق", filters={"date_from": datetime.date(2023, 1, 1)}))
    assert dated == {"meetings": {in_aden.pk}, "recommendations": {aden_item.pk}}


def test_invalid_filters_are_reported_and_the_others_still_apply(client):
    marib = published_meeting("لقاء التنسيق", governorate=factories.governorate("marib"))
    published_meeting("لقاء التنسيق", governorate=factories.governorate("aden"))
    response = client.get(
        reverse("search:search"),
        {"q": "التنسيق", "governorate": "marib", "project": "no-such-project", "status": "bogus", "date_from": "2022-13-45"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="notice notice--error"' in content
    assert marib.get_absolute_url() in content
    assert content.count('class="card search-hit"') == 1


def test_dates_in_the_wrong_order_are_refused(client):
    response = client.get(reverse("search:search"), {"q": "لقاء", "date_from": "2023-01-01", "date_to": "2022-01-01"})
    assert response.status_code == 200 and 'class="notice notice--error"' in response.content.decode()


def test_english_search_page_searches_the_english_fields(client):
    translated = published_meeting("لقاء حقوق الإنسان", title_en="Human rights meeting")
    untranslated = published_meeting("لقاء الشفافية")
    english = client.get("/en/search/", {"q": "human"}).content.decode()
    with translation.override("en"):
        assert translated.get_absolute_url() in english
    assert "<mark>Human</mark>" in english
    arabic = client.get("/search/", {"q": "human"}).content.decode()
    assert "<mark>" not in arabic
    # An untranslated record is found on the English site by its Arabic text.
    fallback = client.get("/en/search/", {"q": "الشفافية"}).content.decode()
    assert "<mark>الشفافية</mark>" in fallback
    with translation.override("en"):
        assert untranslated.get_absolute_url() in fallback


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "ُ ّ ً ْ",
        '"',
        "'",
        "''",
        '"حقوق',
        "حقوق'",
        "AND",
        "OR NOT",
        "NEAR(مأرب",
        "حقوق AND OR NOT NEAR الانسان",
        "مأرب*",
        "*",
        "^",
        ":",
        "title:مأرب",
        "search_title_ar:مأرب",
        "(",
        ")",
        "((مأرب)",
        "-",
        "--",
        "; DROP TABLE meetings_meeting; --",
        "'); DELETE FROM meetings_meeting; --",
        "مأرب & صنعاء | !عدن <-> x:*",
        "\\",
        "%",
        "_",
        "{مأرب}",
        "مأرب" * 300,
        "مأرب " * 1000,
        "ب" * 5000,
        "\u200f\u200e\u061c",
        "ﷺ",
        "🙂 مأرب 🙂",
        "a\x00b",
    ],
)
@pytest.mark.parametrize("language", ["ar", "en"])
def test_hostile_or_odd_queries_give_results_or_an_empty_state(client, query, language):
    meeting = published_meeting("لقاء حقوق الإنسان في مأرب")
    prefix = "/en" if language == "en" else ""
    response = client.get(f"{prefix}/search/", {"q": query})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="empty"' in content or meeting.get_absolute_url().split("/")[-2] in content
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    search(query, language=language)  # and the engine itself does not raise


def test_the_search_page_without_a_query_explains_itself(client):
    response = client.get(reverse("search:search"))
    content = response.content.decode()
    assert response.status_code == 200 and 'class="empty"' in content and 'role="status"' not in content


def test_no_result_shows_an_empty_state_with_advice(client):
    response = client.get(reverse("search:search"), {"q": "كلمةغيرموجودة"})
    content = response.content.decode()
    assert 'class="empty" role="status"' in content and "كلمةغيرموجودة" in content


def test_search_results_page_is_not_indexed(client):
    content = client.get(reverse("search:search"), {"q": "مأرب"}).content.decode()
    assert '<meta name="robots" content="noindex, follow">' in content


# --- Counting and query counts -----------------------------------------------------------------


def test_counts_stop_at_the_cap_and_say_so(client, monkeypatch):
    monkeypatch.setattr(engine, "COUNT_CAP", 3)
    for i in range(5):
        published_meeting(f"لقاء التنسيق {i}")
    results = search("التنسيق")
    assert results.current is None and results.groups[0].count == 4  # stopped at cap + 1
    assert results.groups[0].more_than_cap
    assert "(3+)" in client.get(reverse("search:search"), {"q": "التنسيق"}).content.decode()


# The page's query counts, whatever the data: tests/test_search_query_counts.py.


# --- Spelling suggestions ----------------------------------------------------------------------


def test_a_misspelt_word_gets_a_suggestion_that_finds_records(client):
    published_meeting("لقاء الاستجابة الإنسانية")
    results = search("الاستجابة الانسانيا")
    assert results.total == 0
    assert results.suggestion == "الاستجابه الانسانيه"
    assert search(results.suggestion).total == 1
    content = client.get(reverse("search:search"), {"q": "الاستجابة الانسانيا"}).content.decode()
    assert 'class="search-suggestion"' in content and "الانسانيه" in content


def test_a_rare_misspelling_that_finds_little_gets_the_common_spelling():
    published_meeting("لقاء الانساتية")  # a typo in one record
    for i in range(10):
        published_meeting(f"لقاء الإنسانية {i}")
    assert search("الانساتية").total == 1
    assert search("الانساتية").suggestion == "الانسانيه"


def test_a_suggestion_never_reveals_a_word_that_only_a_draft_or_protected_person_holds():
    factories.meeting("اجتماع المحاصصة السرية", governorate=None)  # a draft
    meeting = published_meeting("لقاء")
    factories.participation(meeting, factories.person("جميلة الحقوقية"))  # protected
    assert not SearchTerm.objects.filter(term="المحاصصه").exists()  # not in the vocabulary ...
    assert search("المحاصصا").suggestion is None  # ... and never suggested
    assert search("الحقوقيا").suggestion is None
    assert search("جميلا").suggestion is None


def test_no_suggestion_when_enough_is_found():
    for i in range(engine.SUGGEST_BELOW):
        published_meeting(f"لقاء التنسيق {i}")
    assert search("التنسيق").suggestion is None


def test_trigram_similarity_is_pg_trgms():
    assert engine.similarity("word", "word") == 1.0
    assert engine.similarity("abc", "xyz") == 0.0
    assert round(engine.similarity("الانسان", "الإنسان"), 6) == round(5 / 11, 6)  # as pg_trgm says


@on_postgresql
def test_python_similarity_agrees_with_pg_trgm():
    pairs = [("الاستجابه", "الاستجابا"), ("الانسان", "انسان"), ("saferworld", "saferwold"), ("مارب", "مأرب")]
    with connection.cursor() as cursor:
        for a, b in pairs:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert abs(cursor.fetchone()[0] - engine.similarity(a, b)) < 1e-6, (a, b)


# --- The database ------------------------------------------------------------------------------


def test_the_search_check_is_clean_on_the_test_database():
    assert search_database_messages(connection) == []


@pytest.mark.parametrize(
    "ctype, encoding, problem",
    [
        ("C.UTF-8", "UTF8", None),
        ("en_US.utf8", "UTF8", None),
        ("ar_YE.UTF-8", "UTF8", None),
        ("C", "UTF8", "LC_CTYPE C"),
        ("POSIX", "UTF8", "LC_CTYPE POSIX"),
        ("C", "SQL_ASCII", "encoding SQL_ASCII"),
        ("en_US", "LATIN1", "encoding LATIN1"),
    ],
)
def test_locale_problems_are_named(ctype, encoding, problem):
    assert postgresql_locale_problem(ctype, encoding) == problem


@on_postgresql
def test_a_c_locale_database_fails_the_system_check():
    """A real database created with LC_CTYPE "C": the check reports it, and pg_trgm there
    indeed finds no trigrams in Arabic."""
    import psycopg
    from django.db.backends.postgresql.base import DatabaseWrapper

    name = f"{connection.settings_dict['NAME']}_c_locale"
    params = {"host": connection.settings_dict["HOST"], "port": connection.settings_dict["PORT"] or 5432}
    params["user"] = connection.settings_dict["USER"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    settings = {**connection.settings_dict, "NAME": name, "OPTIONS": {}}
    wrapper = DatabaseWrapper(settings, alias="c_locale")
    try:
        messages = search_database_messages(wrapper)
        assert [message.id for message in messages] == ["meetings.E101"]
        assert "LC_CTYPE C" in messages[0].msg
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("SELECT show_trgm('مأرب')")
            assert cursor.fetchone()[0] == []
    finally:
        wrapper.close()
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@on_postgresql
def test_postgresql_uses_the_gin_index_for_matches():
    """Whatever else the planner could read: without an order (the meetings' default one can be
    read off the ``meeting_date`` index, filtering every row, which on a nearly empty table it
    may prefer) and with plain index scans off (a GIN index is read by bitmap scans only)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = matching(Meeting.objects.order_by(), SearchQuery.parse("مأرب")).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "meetings_meeting_search_ar" in plan


@on_postgresql
def test_postgresql_has_the_search_columns_and_the_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE %s OR indexname = %s",
            ["%\\_search\\_%", "meetings_searchterm_term_trgm"],
        )
        names = {row[0] for row in cursor.fetchall()}
    expected = {f"{table}_search_{language}" for table in SEARCH_TABLES for language in ("ar", "en")}
    assert expected | {"meetings_searchterm_term_trgm"} <= names


def test_capped_matches_are_the_keys_of_the_matches_up_to_the_cap_plus_one():
    found_ones = {published_meeting(f"لقاء المساءلة {i}").pk for i in range(3)}
    published_meeting("لقاء آخر")
    found = matching(Meeting.objects.published(), SearchQuery.parse("المساءلة"))
    none = matching(Meeting.objects.published(), SearchQuery.parse("الزراعة"))
    matches = engine.capped_matches({"meetings": found, "nothing": none, "skipped": None})
    assert set(matches["meetings"]) == found_ones and len(matches["meetings"]) == 3
    assert matches["nothing"] == [] and matches["skipped"] == []
    capped = engine.capped_matches({"meetings": found}, cap=1)["meetings"]
    assert len(capped) == 2 and set(capped) <= found_ones  # stops at cap + 1


@on_postgresql
def test_postgresql_counts_through_the_gin_index_and_leaves_the_planner_as_it_was():
    for i in range(3):
        published_meeting(f"لقاء المساءلة {i}")
    published_meeting("لقاء آخر")
    with connection.cursor() as cursor:
        search("المساءلة")
        cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')")
        assert cursor.fetchone() == ("on", "on")  # nothing leaks out of the count
        for function in (engine.CAPPED_COUNT, engine.CAPPED_IDS):
            cursor.execute("SELECT proconfig FROM pg_proc WHERE proname = %s", [function])
            assert set(cursor.fetchone()[0]) == {"enable_seqscan=off", "enable_indexscan=off"}


def test_matches_within_the_cap_are_ranked_by_the_keys_the_count_found():
    """Testing a match reads the row: with a filter, the ranking tested every candidate of the
    filter again (an organisation's 4,414 recommendations at 100k, for 625 matches)."""
    organization = factories.organization("منظمة المساءلة")
    meeting = published_meeting("لقاء عام")
    addressed = [factories.recommendation(meeting, text_ar=f"تعزيز المساءلة {i}") for i in range(3)]
    for item in addressed:
        item.addressees.add(organization)
    factories.recommendation(meeting, text_ar="تعزيز المساءلة خارج المرشح")
    factories.recommendation(meeting, text_ar="أمر آخر").addressees.add(organization)
    with CaptureQueriesContext(connection) as queries:
        results = search("المساءلة", kind="recommendations", filters={"organization": organization})
    assert {row.pk for row in results.current.rows} == {item.pk for item in addressed}
    ranking = next(q["sql"] for q in queries.captured_queries if "meetings_recommendation" in q["sql"] and "ORDER BY" in q["sql"])
    # One parameter, not one per key (engine._HasKey): a JSON text on SQLite, an array on PostgreSQL.
    if connection.vendor == "sqlite":
        keys = re.search(r'(?:"meetings_recommendation"|U0)\."id" IN \(SELECT value FROM json_each\(\'(\[[^]]*\])\'\)\)', ranking)
        assert keys and set(json.loads(keys.group(1))) == {item.pk for item in addressed}
    else:
        keys = re.search(r'(?:"meetings_recommendation"|U0)\."id" = ANY\(\'\{([^}]*)\}\'(?:::int\d\[\])?::bigint\[\]\)', ranking)
        assert keys and {int(key) for key in keys.group(1).split(",")} == {item.pk for item in addressed}


def test_a_match_unpublished_between_the_count_and_the_ranking_is_not_shown(monkeypatch):
    kept, withdrawn = published_meeting("لقاء المساءلة الأول"), published_meeting("لقاء المساءلة الثاني")
    counted = engine.capped_matches

    def count_then_withdraw(querysets, cap=None):
        matches = counted(querysets, cap)
        Meeting.objects.filter(pk=withdrawn.pk).update(status=Meeting.Status.DRAFT)  # another request's edit
        return matches

    monkeypatch.setattr(engine, "capped_matches", count_then_withdraw)
    results = search("المساءلة", kind="meetings")
    assert results.current.count == 2  # counted before the edit
    assert [row.pk for row in results.current.rows] == [kept.pk]


@pytest.mark.parametrize("gin_first", [False, True])
def test_the_ranking_window_holds_only_matches_whichever_way_they_are_found(gin_first):
    for i in range(6):
        published_meeting(f"لقاء المساءلة {i}", minutes_ar="المساءلة" if i % 2 else "")
    published_meeting("لقاء آخر")
    factories.meeting("مسودة المساءلة")  # a draft: never a candidate
    query = SearchQuery.parse("المساءلة")
    public = Meeting.objects.published()
    everything = list(ranked(public, query, window=None).values_list("pk", flat=True))
    assert len(everything) == 6
    window = list(ranked(public, query, window=3, gin_first=gin_first).values_list("pk", flat=True))
    assert len(window) == 3 and set(window) <= set(everything)
    wide = list(ranked(public, query, window=50, gin_first=gin_first).values_list("pk", flat=True))
    assert wide == everything  # a window wider than the matches ranks them all, in the same order


@pytest.mark.parametrize("pool", ["among the count's keys", "a window"])
def test_the_best_rows_picked_on_their_rank_alone_are_the_first_of_ranking_them_all(pool):
    """A page reads only the rows it shows (``best``): ranked on their vectors alone first, they
    are the same rows, in the same order, as the first of every match ranked whole."""
    for i in range(9):
        published_meeting(f"لقاء المساءلة {i}", minutes_ar=" ".join(["المساءلة"] * (i % 4)))
    query = SearchQuery.parse("المساءلة")
    public = Meeting.objects.published()
    everything = list(ranked(public, query, window=None).values_list("pk", flat=True))
    assert len(everything) == 9
    if pool == "a window":
        options = {"window": 50}
    else:
        options = {"window": None, "among": everything}
    for best in (1, 4, 9, 20):
        first = list(ranked(public, query, best=best, **options).values_list("pk", flat=True))
        assert first == everything[:best]


def test_a_key_of_the_count_no_longer_public_is_not_read():
    """Among the count's keys the rows read keep the page's filters: a meeting unpublished
    between the count and the ranking is left out, even where it would rank first."""
    shown = [published_meeting(f"لقاء المساءلة {i}") for i in range(3)]
    withdrawn = published_meeting("المساءلة المساءلة المساءلة", minutes_ar="المساءلة " * 5)
    query = SearchQuery.parse("المساءلة")
    keys = list(ranked(Meeting.objects.published(), query, window=None).values_list("pk", flat=True))
    assert keys[0] == withdrawn.pk
    Meeting.objects.filter(pk=withdrawn.pk).update(status=Meeting.Status.DRAFT)
    first = list(ranked(Meeting.objects.published(), query, window=None, among=keys, best=3).values_list("pk", flat=True))
    assert withdrawn.pk not in first and set(first) <= {meeting.pk for meeting in shown}


@on_postgresql
def test_candidates_read_in_turn_are_picked_without_a_synchronised_or_parallel_scan():
    """Read in turn, a window's candidates must be the same on every request. PostgreSQL starts
    a sequential scan of a large table where the last one stopped, so the 100,000-meeting
    benchmark's "all kinds" page for مأرب showed other results on each of six reloads."""
    for i in range(6):
        published_meeting(f"لقاء المساءلة {i}")
    query = SearchQuery.parse("المساءلة")
    with CaptureQueriesContext(connection) as queries:
        first = list(ranked(Meeting.objects.published(), query, window=3).values_list("pk", flat=True))
    assert f"{engine.FIRST_IDS_IN_TURN}(" in queries.captured_queries[-1]["sql"]
    assert len(first) == 3
    for _again in range(3):
        assert list(ranked(Meeting.objects.published(), query, window=3).values_list("pk", flat=True)) == first
    with connection.cursor() as cursor:
        cursor.execute("SELECT proconfig FROM pg_proc WHERE proname = %s", [engine.FIRST_IDS_IN_TURN])
        assert set(cursor.fetchone()[0]) == {"synchronize_seqscans=off", "max_parallel_workers_per_gather=0"}
        cursor.execute("SELECT current_setting('synchronize_seqscans')")
        assert cursor.fetchone() == ("on",)  # nothing leaks out of the function


def test_meetings_candidates_come_from_the_gin_index_whatever_the_estimate():
    # A meeting's vector is large: reading meetings in turn until enough match is never the
    # cheaper way (docs/search.md). Recommendations read rows in turn only for very broad words.
    meetings, recommendations = KINDS["meetings"], KINDS["recommendations"]
    assert engine.candidates_through_gin(meetings, 10)
    assert engine.candidates_through_gin(meetings, 10**7)
    assert engine.candidates_through_gin(recommendations, 50_000)
    assert not engine.candidates_through_gin(recommendations, 10**6)
    # Organisations and people are never estimated: the planner's own plan.
    assert not engine.candidates_through_gin(KINDS["organizations"], None)


@on_sqlite
def test_sqlite_triggers_dropped_by_a_table_rebuild_are_put_back_and_the_index_rebuilt():
    meeting = published_meeting("لقاء")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER meetings_meeting_fts_ar_au")
    # A change while the trigger is missing (as during Django's table rebuild) ...
    Meeting.objects.filter(pk=meeting.pk).update(title_ar="اجتماع المصارحة")
    created = ensure_search_schema()
    assert created == ["meetings_meeting_fts_ar_au"]
    assert meeting.pk in finds("meetings", "المصارحة") and meeting.pk not in finds("meetings", "لقاء")
    assert ensure_search_schema() == []


@on_sqlite
def test_sqlite_fts_index_agrees_with_its_content_table():
    published_meeting("لقاء الشفافية", minutes_ar="المساءلة")
    with connection.cursor() as cursor:
        for table in SEARCH_TABLES:
            for language in ("ar", "en"):
                fts = f"{table}_fts_{language}"
                cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
        cursor.execute(f"SELECT COUNT(*) FROM {TERMS_TABLE}")
        assert cursor.fetchone()[0] > 0


@pytest.mark.parametrize("position", [0, 1_400, 1_499, 1_500, 1_510, 5_000, 19_000])
def test_the_snippet_of_a_long_text_centres_on_its_first_match_wherever_it_is(position):
    """A match near the start, across the first look's boundary, or deep in the minutes."""
    filler = "كلمة "
    text = (filler * (position // len(filler)))[:position] + "أكدَ حقوقَ الإنسانِ " + filler * 600
    html = engine.snippet_html(text, "الانسان")
    assert html is not None
    assert "<mark>الإنسانِ</mark>" in html
    assert len(html) < engine.SNIPPET_LENGTH + 100
    assert html.startswith("… ") == (position > engine.SNIPPET_LENGTH // 3)
    # A word cut at the first look's boundary is never highlighted as something else.
    cut = "ا" * 1_490 + " " + "والإنسان" + " " + filler * 400
    assert "<mark>والإنسان</mark>" in engine.snippet_html(cut, "الانسان")
    assert engine.snippet_html(filler * 5_000, "الانسان") is None
