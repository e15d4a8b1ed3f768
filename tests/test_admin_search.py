"""The admin's search and pickers through the search index (meetings/admin/searching.py).

They run on SQLite and on PostgreSQL (CI runs the suite on both): each engine answers from
its own index, and the results must be the same.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting, MeetingOrganization, Participation, Person, Recommendation, RecommendationUpdate
from search.engine import PREFIX_MIN_LENGTH, SearchQuery
from tests import factories


@pytest.fixture
def client_in(client, db):
    client.force_login(factories.user(is_staff=True, is_superuser=True))
    return client


def found(client, model, text):
    """The rows of ``model``'s admin list for a search for ``text``."""
    response = client.get(reverse(f"admin:meetings_{model._meta.model_name}_changelist"), {"q": text})
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def picked(client, model, field, term):
    """The ids an autocomplete field of ``model`` offers for ``term``."""
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "meetings", "model_name": model._meta.model_name, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return {int(result["id"]) for result in response.json()["results"]}


# --- The query --------------------------------------------------------------------------------


def test_only_a_query_being_typed_searches_by_the_beginning_of_its_last_word():
    typed = SearchQuery.parse("لقاء مأر", prefix=True)
    assert "'مار':*" in typed.tsquery() and '"مار"*' in typed.fts5()
    # Not the words before the last, and never in the site's own search.
    assert "'لقاء':*" not in typed.tsquery()
    assert ":*" not in SearchQuery.parse("لقاء مأر").tsquery()
    assert "*" not in SearchQuery.parse("لقاء مأر").fts5()


def test_a_beginning_shorter_than_the_minimum_is_a_whole_word_only():
    assert SearchQuery.parse("ma", prefix=True).prefixes == ()
    assert SearchQuery.parse("m" * PREFIX_MIN_LENGTH, prefix=True).prefixes == ("m" * PREFIX_MIN_LENGTH,)
    # «بمأر»: the beginning with and without its preposition.
    assert set(SearchQuery.parse("بمأر", prefix=True).prefixes) == {"بمار", "مار"}


# --- Meetings -------------------------------------------------------------------------------


def test_meeting_search_follows_the_sites_arabic_spelling_rules(client_in):
    wells = factories.meeting(title_ar="لقاء حول آبار مأرب")
    factories.meeting(title_ar="لقاء حول الطرق")
    # Without hamza, with a preposition, or only its beginning: the same meeting.
    assert found(client_in, Meeting, "ابار") == {wells}
    assert found(client_in, Meeting, "بآبار") == {wells}
    assert found(client_in, Meeting, "آبا") == {wells}


def test_meeting_search_finds_by_minutes_number_and_slug(client_in):
    minutes = factories.meeting(minutes_ar="ناقش المجتمعون شحة الأدوية في المستشفيات")
    other = factories.meeting()
    assert found(client_in, Meeting, "الأدوية") == {minutes}
    assert found(client_in, Meeting, str(other.pk)) == {other}
    assert found(client_in, Meeting, other.slug) == {other}


def test_a_search_that_finds_nothing_says_so_and_changes_nothing(client_in):
    factories.meeting(title_ar="لقاء حول المياه")
    before = Meeting.objects.count()
    assert found(client_in, Meeting, "زمهريرية") == set()
    # Punctuation only, operators and quotes: no word to search by, no error.
    assert found(client_in, Meeting, "!!! ...") == set()
    assert found(client_in, Meeting, "'مياه' | !(") == found(client_in, Meeting, "مياه")
    assert Meeting.objects.count() == before


def test_meeting_search_runs_a_fixed_number_of_queries(client_in):
    url = reverse("admin:meetings_meeting_changelist")
    factories.meeting(title_ar="لقاء حول الكهرباء")
    with CaptureQueriesContext(connection) as few:
        client_in.get(url, {"q": "الكهرباء"})
    for _ in range(6):
        factories.involvement(factories.meeting(title_ar="لقاء حول الكهرباء"))
    with CaptureQueriesContext(connection) as more:
        response = client_in.get(url, {"q": "الكهرباء"})
    assert response.context["cl"].result_count == 7
    assert len(more) == len(few), [query["sql"] for query in more.captured_queries]


def test_a_meeting_picker_answers_as_the_title_is_typed(client_in):
    wells = factories.meeting(title_ar="لقاء حول آبار صرواح")
    factories.meeting(title_ar="لقاء حول الطرق")
    participation = factories.participation(factories.meeting(), factories.person())
    assert picked(client_in, Participation, "meeting", "صرو") == {wells.pk}
    assert picked(client_in, Participation, "meeting", "صرواح") == {wells.pk}
    # Opened without a word: every meeting, the first page of them.
    assert picked(client_in, Participation, "meeting", "") == set(Meeting.objects.values_list("pk", flat=True))
    assert participation.meeting_id in picked(client_in, Participation, "meeting", "")


# --- What points at meetings, recommendations and people ---------------------------------------


def test_recommendation_search_finds_by_text_meeting_addressee_and_number(client_in):
    health = factories.recommendation(text_ar="توفير الأدوية للمستشفيات")
    roads = factories.recommendation(factories.meeting(title_ar="لقاء حول الطرق الريفية"), text_ar="صيانة الجسور")
    addressed = factories.recommendation(text_ar="تحسين التنسيق")
    addressed.addressees.add(factories.organization(name_ar="وزارة الأشغال العامة"))
    assert found(client_in, Recommendation, "الأدوية") == {health}
    assert found(client_in, Recommendation, "الريفية") == {roads}
    assert found(client_in, Recommendation, "الأشغال") == {addressed}
    assert found(client_in, Recommendation, str(roads.pk)) >= {roads}


def test_update_search_finds_by_its_note_and_its_recommendation(client_in):
    recommendation = factories.recommendation(text_ar="توفير الأدوية للمستشفيات")
    by_text = RecommendationUpdate.objects.create(recommendation=recommendation, date="2023-01-01", note_ar="تم التنفيذ")
    by_note = RecommendationUpdate.objects.create(
        recommendation=factories.recommendation(), date="2023-01-01", note_ar="وصلت شحنة اللقاحات"
    )
    assert found(client_in, RecommendationUpdate, "الأدوية") == {by_text}
    assert found(client_in, RecommendationUpdate, "اللقاحات") == {by_note}


def test_participation_search_finds_protected_people_by_name(client_in):
    """A protected person has no search terms, so the public search never finds them; the
    admin, where they are managed, must."""
    protected = factories.person(name_ar="سلوى عبد الكريم")
    assert protected.visibility == Person.Visibility.PROTECTED
    participation = factories.participation(factories.meeting(), protected)
    factories.participation(factories.meeting(), factories.person(name_ar="خالد ناصر", public=True))
    assert found(client_in, Participation, "سلوى") == {participation}
    assert found(client_in, Participation, "عبد الكريم") == {participation}


def test_involvement_search_finds_by_organisation_and_meeting(client_in):
    involvement = factories.involvement(
        factories.meeting(title_ar="لقاء حول الكهرباء"), factories.organization(name_ar="مؤسسة الأمل للتنمية")
    )
    factories.involvement(factories.meeting())
    assert found(client_in, MeetingOrganization, "الأمل") == {involvement}
    assert found(client_in, MeetingOrganization, "الكهرباء") == {involvement}


# --- A meeting's change form ------------------------------------------------------------------


def change_form_statements(client, meeting):
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    client.get(url)  # what is read once per process (content types) is read
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_meeting_change_form_reads_its_recommendations_in_a_fixed_number_of_queries(client_in):
    meeting = factories.meeting()
    ministry = factories.organization(name_ar="وزارة الأشغال العامة")

    def add_recommendations(n):
        for _ in range(n):
            recommendation = factories.recommendation(meeting, theme=factories.theme())
            recommendation.addressees.add(ministry)

    add_recommendations(2)
    few = change_form_statements(client_in, meeting)
    add_recommendations(6)
    assert change_form_statements(client_in, meeting) == few


def test_a_meeting_change_form_reads_its_participants_in_a_fixed_number_of_queries(client_in):
    """Django's autocomplete widget read the record each row had chosen, three pickers a row;
    the rows' pickers now share one read per picker (admin/base.py, share_chosen_records)."""
    meeting = factories.meeting()

    def add_participants(n):
        for _ in range(n):
            position = factories.position(organization=factories.organization())
            factories.participation(meeting, position.person, position, organization=position.organization)

    add_participants(2)
    few = change_form_statements(client_in, meeting)
    add_participants(6)
    assert change_form_statements(client_in, meeting) == few
    # What the pickers show is what each row chose.
    page = client_in.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()
    for participation in meeting.participations.all():
        assert f'<option value="{participation.person_id}" selected>{participation.person}</option>' in page
