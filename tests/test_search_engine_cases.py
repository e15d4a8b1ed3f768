"""The shared search test set (tests/search_cases.py), run through the real database engine.

The same file runs on SQLite (FTS5) and on PostgreSQL (tsvector): each case puts its
text in a published record of every kind — a meeting's minutes (body column), a
recommendation's text and an organisation's name (title columns), a public person's
name — searches the query in Arabic and in English (the English columns fall back to
the Arabic text) and checks found / not found. A last test loads every text at once
and checks that each query finds exactly the texts the reference says it finds, so the
rates of the reference (word forms found, must-not-match pairs held) are the engines'.
"""

import pytest

from meetings.models import MeetingOrganization
from search.normalization import matches
from search.engine import KINDS, SearchQuery, filtered, matching, search
from tests import factories
from tests.search_cases import MUST_MATCH, MUST_NOT_MATCH, WORD_FORMS

pytestmark = pytest.mark.django_db


def records_holding(text):
    """One published record of each kind whose searchable text is ``text``: {kind: pk}. The
    meeting is published once its rows are in, as staff do (it costs far less than adding rows
    to a published meeting)."""
    meeting = factories.meeting("عنوان", minutes_ar=text, governorate=None)
    recommendation = factories.recommendation(meeting, text_ar=text)
    organization = factories.organization(text or "-", name_en="")  # English falls back to Arabic
    factories.involvement(meeting, organization)
    person = factories.person(text or "-", public=True)
    factories.participation(meeting, person)
    meeting.publish()
    return {
        "meetings": meeting.pk,
        "recommendations": recommendation.pk,
        "organizations": organization.pk,
        "people": person.pk,
    }


def found(query, language):
    """{kind: set of pks} that the engine finds for ``query``."""
    parsed = SearchQuery.parse(query)
    return {
        name: set(matching(filtered(kind, {}), parsed, language).values_list("pk", flat=True))
        for name, kind in KINDS.items()
    }


def _id(case):
    return case[2]


# The word-form pairs the reference finds, and the must-not-match pairs it holds: the
# engines must agree with it on each (the rates are checked below).
FOUND = MUST_MATCH + [case for case in WORD_FORMS if matches(case[0], case[1])]
HELD = [case for case in MUST_NOT_MATCH if not matches(case[0], case[1])]


# Each case's records serve both languages (building them is most of a case's time).
LANGUAGES = ("ar", "en")


@pytest.mark.parametrize("query, text, reason", FOUND, ids=[_id(c) for c in FOUND])
def test_engine_finds_text(query, text, reason):
    records = records_holding(text)
    for language in LANGUAGES:
        results = found(query, language)
        for kind, pk in records.items():
            assert pk in results[kind], f"{language}, {kind}: {query!r} should find {text!r} ({reason})"


@pytest.mark.parametrize("query, text, reason", HELD, ids=[_id(c) for c in HELD])
def test_engine_does_not_find_text(query, text, reason):
    records = records_holding(text)
    for language in LANGUAGES:
        results = found(query, language)
        for kind, pk in records.items():
            assert pk not in results[kind], f"{language}, {kind}: {query!r} should not find {text!r} ({reason})"
        # The page's search finds nothing either (no trigram fallback in the results).
        assert search(query, language=language).total == 0, language


def test_engine_finds_exactly_what_the_reference_finds_among_all_texts():
    """With every case text in the database at once, each query finds exactly the texts that
    ``normalization.matches`` says it finds — no more (cross-case false positives), no fewer."""
    cases = MUST_MATCH + WORD_FORMS + MUST_NOT_MATCH
    texts = sorted({text for _, text, _ in cases})
    meeting_of = {}
    for text in texts:
        meeting = factories.meeting("عنوان", published=True, minutes_ar=text, governorate=None)
        meeting_of[meeting.pk] = text
    mismatches = []
    for query in sorted({query for query, _, _ in cases}):
        parsed = SearchQuery.parse(query)
        got = {
            meeting_of[pk]
            for pk in matching(filtered(KINDS["meetings"], {}), parsed, "ar").values_list("pk", flat=True)
            if pk in meeting_of
        }
        expected = {text for text in texts if matches(query, text)}
        if got != expected:
            mismatches.append((query, sorted(got - expected), sorted(expected - got)))
    assert mismatches == []


def test_the_shared_set_is_large_enough():
    total = len(MUST_MATCH) + len(WORD_FORMS) + len(MUST_NOT_MATCH)
    assert total >= 300
    assert len(WORD_FORMS) >= total / 3 and len(MUST_NOT_MATCH) >= total / 6


def test_the_targets_hold():
    """Spelling pairs: all found; word forms: 90 % found; must-not-match: 90 % held. The
    engines find exactly what the reference finds (the tests above), so its rates are theirs."""
    assert all(matches(query, text) for query, text, _ in MUST_MATCH)
    assert sum(matches(query, text) for query, text, _ in WORD_FORMS) >= 0.9 * len(WORD_FORMS)
    assert sum(not matches(query, text) for query, text, _ in MUST_NOT_MATCH) >= 0.9 * len(MUST_NOT_MATCH)


def test_a_case_record_is_found_through_the_search_page(client):
    """The same engine answers the page: the first MUST_MATCH case, end to end."""
    query, text, _reason = MUST_MATCH[0]
    meeting = factories.meeting(text, published=True)
    factories.involvement(meeting, factories.organization(), MeetingOrganization.Role.ORGANISER)
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert meeting.get_absolute_url() in response.content.decode()
