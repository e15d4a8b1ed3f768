"""Word forms (search/wordforms.py), the ranking of exact forms above shared stems, and a
recommendation found by its context (issue 14). The shared pairs are in
tests/search_cases.py and run through both engines in tests/test_search_engine_cases.py."""

import pytest

from meetings.models import Governorate, Meeting, MeetingOrganization, Organization, Recommendation
from search.engine import SearchQuery, ranked, search
from search.normalization import PROTECTED_WORDS, matches, normalize, stems, tokenize
from search.terms import SURFACE_MARK, document_terms, suggestion_words
from search.wordforms import (
    NEVER_FORMS_TEXT,
    WHOLE_WORDS_TEXT,
    broken_plurals,
    never_forms,
    read_broken_plurals,
    whole_words,
)
from tests import factories

# --- Broken plurals: one test per entry of the data file -----------------------------------

ENTRIES = [(singular, plural) for singular, plurals in read_broken_plurals() for plural in plurals]


@pytest.mark.parametrize("singular, plural", ENTRIES, ids=[f"{s}-{p}" for s, p in ENTRIES])
def test_broken_plural_entry_joins_singular_and_plural(singular, plural):
    assert matches(singular, plural) and matches(plural, singular)
    assert matches(singular, "ال" + plural) and matches("ال" + plural, singular)
    assert matches(singular, "و" + plural + "ها")  # with a clitic and a pronoun


def test_broken_plural_file_is_written_in_single_words():
    assert len(ENTRIES) >= 60
    for singular, plural in ENTRIES:
        assert len(tokenize(singular)) == 1 and len(tokenize(plural)) == 1
    assert normalize("مشاريع") in broken_plurals()


# --- The rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, forms",
    [
        ("التوصيات", {"توصيات", "توصيه"}),
        ("بتوصياتها", {"توصيات", "توصيه"}),
        ("المدافعون", {"مدافع"}),
        ("المشاركين", {"مشارك"}),
        ("الصحفيين", {"صحفي", "صحف"}),
        ("الأمنية", {"امني", "امن"}),
        ("منظمتي", {"منظمه"}),
        ("الطرفان", {"طرف"}),
        ("المشاريع", {"مشروع"}),
    ],
)
def test_word_forms_reach_the_singular(word, forms):
    assert forms <= set(stems(normalize(word)))


@pytest.mark.parametrize(
    "word, not_a_form",
    [
        ("منظمة", "منظم"),  # a final ة is never removed
        ("عدنان", "عدن"),  # ان only after the article
        ("التعاون", "تعا"),  # ون after alef belongs to the word
        ("الحماية", "حماي"),
        ("المدني", "مدن"),  # a whole word
        ("آليات", "الي"),  # never «إلى»
        ("الكتابات", "تاب"),  # protected: كتاب
        ("الوزارات", "زار"),  # protected: وزارة
        ("وطنية", "طنيه"),  # protected: وطن
    ],
)
def test_word_forms_do_not_cut_into_the_word(word, not_a_form):
    assert normalize(not_a_form) not in stems(normalize(word))


def test_the_lists_hold_normalised_single_words():
    assert all(normalize(word) == word for word in whole_words() | never_forms())
    assert set(tokenize(WHOLE_WORDS_TEXT)) == whole_words()
    assert set(tokenize(NEVER_FORMS_TEXT)) == never_forms()
    assert all(normalize(word) == word for word in PROTECTED_WORDS)


def test_forms_are_letters_only_and_at_least_three_letters_unless_listed():
    singulars = {s for values in broken_plurals().values() for s in values}
    for word in ("والمنظمات", "بتوصياتها", "لقدراتها", "الصحفيين", "مشاريعها"):
        for form in stems(normalize(word)):
            assert form.isalpha() and (len(form) >= 3 or form in singulars)


# --- Exact beats stemmed ---------------------------------------------------------------------

def published_meeting(title):
    return factories.meeting(title, published=True, governorate=None)


@pytest.mark.django_db
def test_the_query_word_form_ranks_above_a_shared_stem():
    """For «توصية», a record with «بتوصية» comes before one with only «التوصيات»."""
    exact = published_meeting("لقاء خرج بتوصية")
    stemmed = published_meeting("لقاء خرج بالتوصيات")  # newer: it would win a tie
    order = list(ranked(Meeting.objects.published(), SearchQuery.parse("توصية")).values_list("pk", flat=True))
    assert order == [exact.pk, stemmed.pk]
    # And the other way round: the plural query prefers the plural.
    order = list(ranked(Meeting.objects.published(), SearchQuery.parse("التوصيات")).values_list("pk", flat=True))
    assert order == [stemmed.pk, exact.pk]


def test_surface_marks_never_decide_a_match():
    value = document_terms(["بتوصياتها في كتابات"])
    # The word without its clitics, its ending (a pronoun too) kept.
    assert SURFACE_MARK + "توصياتها" in value.split() and SURFACE_MARK + "كتابات" in value.split()
    for query in ("توصيات", "كتابات", "تاب", "تابات"):
        group = SearchQuery.parse(query).groups[0]
        marks = [form for form in group if form.startswith(SURFACE_MARK)]
        assert len(marks) == 1
        # A mark in the document implies that the word's core is among its index terms.
        if marks[0] in value.split():
            assert marks[0][1:] in value.split()


# --- Context: a recommendation is found by where and at which meeting it was made ------------


def _marib_recommendation(text="تعزيز الشفافية في الإنفاق العام"):
    meeting = factories.meeting(
        "لقاء المساءلة المجتمعية", published=True, city_ar="صرواح", governorate=factories.governorate("marib")
    )
    organiser = factories.organization("منظمة صدى للتنمية", acronym="SADA")
    factories.involvement(meeting, organiser, MeetingOrganization.Role.ORGANISER)
    return meeting, organiser, factories.recommendation(meeting, text_ar=text)


def found_recommendations(query, language="ar"):
    results = search(query, language=language, kind="recommendations")
    return {row.pk for group in results.groups for row in group.rows}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["توصيات مأرب", "مأرب الشفافية", "صرواح", "المساءلة المجتمعية الشفافية", "صدى", "SADA", "منظمة صدى"],
)
def test_a_recommendation_is_found_by_its_meetings_context(query):
    _meeting, _organiser, recommendation = _marib_recommendation()
    assert recommendation.pk in found_recommendations(query)


@pytest.mark.django_db
def test_the_context_in_english_falls_back_to_arabic():
    _meeting, _organiser, recommendation = _marib_recommendation()
    assert recommendation.pk in found_recommendations("Marib", language="en")
    assert recommendation.pk in found_recommendations("صرواح", language="en")


@pytest.mark.django_db
def test_own_text_ranks_above_context():
    meeting, _organiser, in_context = _marib_recommendation("تعزيز الرقابة")
    own = factories.recommendation(meeting, text_ar="توصية عن صرواح ومديرياتها")
    order = list(ranked(Recommendation.objects.published(), SearchQuery.parse("صرواح")).values_list("pk", flat=True))
    assert order == [own.pk, in_context.pk]


@pytest.mark.django_db
def test_the_context_follows_the_meeting_and_its_organisers():
    meeting, organiser, recommendation = _marib_recommendation()
    meeting.title_ar = "ورشة الموازنة"
    meeting.city_ar = "الوادي"
    meeting.save()
    assert recommendation.pk in found_recommendations("الموازنة الشفافية")
    assert recommendation.pk in found_recommendations("الوادي")
    assert recommendation.pk not in found_recommendations("صرواح")
    # The governorate changed through QuerySet.update(), and renamed.
    type(meeting).objects.filter(pk=meeting.pk).update(governorate=factories.governorate("taiz"))
    assert recommendation.pk not in found_recommendations("مأرب الشفافية")
    assert recommendation.pk in found_recommendations("تعز الشفافية")
    Governorate.objects.filter(slug="taiz").update(name_ar="تعز الحالمة")
    assert recommendation.pk in found_recommendations("الحالمة")
    # The organiser renamed, then no longer the organiser, then another one added.
    organiser.name_ar = "مؤسسة رنين"
    organiser.save()
    assert recommendation.pk in found_recommendations("رنين")
    MeetingOrganization.objects.filter(meeting=meeting).update(role=MeetingOrganization.Role.PARTICIPANT)
    assert recommendation.pk not in found_recommendations("رنين")
    factories.involvement(meeting, factories.organization("اتحاد نساء اليمن"), MeetingOrganization.Role.CO_ORGANISER)
    assert recommendation.pk in found_recommendations("اتحاد")
    MeetingOrganization.objects.filter(meeting=meeting, organization__name_ar="اتحاد نساء اليمن").delete()
    assert recommendation.pk not in found_recommendations("اتحاد")


@pytest.mark.django_db
def test_a_pending_organiser_never_reaches_the_search():
    meeting, _organiser, recommendation = _marib_recommendation()
    pending = factories.organization("مبادرة مجهولة", is_pending=True)
    factories.involvement(meeting, pending, MeetingOrganization.Role.CO_ORGANISER)
    recommendation.refresh_from_db()
    assert "مجهوله" not in recommendation.search_body_ar.split()
    assert recommendation.pk not in found_recommendations("مجهولة")
    Organization.objects.filter(pk=pending.pk).update(is_pending=False)
    assert recommendation.pk in found_recommendations("مجهولة")


@pytest.mark.django_db
def test_a_meeting_save_refills_its_recommendations_in_a_fixed_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_saving(count):
        meeting = factories.meeting("لقاء", published=True)
        for i in range(count):
            factories.recommendation(meeting, text_ar=f"توصية رقم {i}")
        meeting.title_ar = "لقاء آخر"
        with CaptureQueriesContext(connection) as captured:
            meeting.save()
        return len(captured)

    assert queries_for_saving(2) == queries_for_saving(30)


def test_only_written_words_are_offered_as_spelling_suggestions():
    value = document_terms(["بالمحاصصة والتوصيات في منظمة حقوق الإنسان"])
    words = suggestion_words(value)
    assert {"بالمحاصصه", "المحاصصه", "محاصصه", "والتوصيات", "التوصيات", "توصيات", "حقوق", "انسان"} <= words
    assert words.isdisjoint({"توص", "توصي", "توصيه", "حق"})  # derived forms are not words to suggest
