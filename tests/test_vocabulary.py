"""The spelling vocabulary holds the words of published records only (meetings/vocabulary.py).

On today's code a draft's words went into ``SearchTerm`` as soon as it was saved, and a
misspelling of a draft-only word took measurably longer to answer: each test below that
looks for a draft-only word in the vocabulary fails there.
"""

import pytest
from django.db import connection

from meetings.models import Meeting, Person, SearchTerm
from search.engine import SearchQuery, search, similar_terms
from meetings.vocabulary import published_querysets, vocabulary_prune, vocabulary_rebuild, words_of_rows
from tests import factories

pytestmark = pytest.mark.django_db


def in_vocabulary(*terms):
    return set(SearchTerm.objects.filter(term__in=terms).values_list("term", flat=True))


def draft(title, **fields):
    fields.setdefault("governorate", None)
    return factories.meeting(title, **fields)


def test_a_draft_only_word_is_never_in_the_vocabulary_nor_suggested():
    meeting = draft("اجتماع سري مع المدافعة زبيدة الشرعبي", summary_ar="المحاصصة والتهريب")
    factories.recommendation(meeting, text_ar="حماية الشهود المتعاونين")
    assert in_vocabulary("زبيده", "الشرعبي", "المحاصصه", "المتعاونين") == set()
    # The trigram lookup behind "did you mean" finds nothing: no time is spent on a draft's word.
    assert similar_terms(["الشرعبا"]) == {"الشرعبا": []}
    assert search("الشرعبا").suggestion is None


def test_a_word_appears_on_publication_and_disappears_on_unpublication():
    meeting = draft("لقاء الشرعبي التشاوري")
    factories.recommendation(meeting, text_ar="توصية بالمحاصصة العادلة")
    assert in_vocabulary("الشرعبي", "بالمحاصصه") == set()
    meeting.publish()
    assert in_vocabulary("الشرعبي", "بالمحاصصه", "المحاصصه") == {"الشرعبي", "بالمحاصصه", "المحاصصه"}
    for i in range(10):
        factories.meeting(f"لقاء الشرعبي {i}", published=True, governorate=None)
    # A misspelling now gets the published spelling.
    assert search("الشرعبا").suggestion == "الشرعبي"
    for other in Meeting.objects.filter(title_ar__startswith="لقاء الشرعبي ").exclude(pk=meeting.pk):
        other.unpublish()
    meeting.unpublish()
    assert in_vocabulary("الشرعبي", "بالمحاصصه", "المحاصصه") == set()
    assert search("الشرعبا").suggestion is None


def test_unpublication_keeps_the_words_another_published_record_still_holds():
    published = factories.meeting("لقاء الشفافية في مأرب", published=True, governorate=None)
    withdrawn = factories.meeting("لقاء الشفافية والمحاسبة", published=True, governorate=None)
    assert in_vocabulary("الشفافيه", "والمحاسبه", "المحاسبه") == {"الشفافيه", "والمحاسبه", "المحاسبه"}
    withdrawn.unpublish()
    assert in_vocabulary("الشفافيه", "والمحاسبه", "المحاسبه") == {"الشفافيه"}
    assert published.pk


def test_an_edit_of_a_published_record_takes_its_removed_words_out():
    meeting = factories.meeting("لقاء المحاصصة", published=True, governorate=None, summary_ar="نص التهريب")
    assert in_vocabulary("التهريب") == {"التهريب"}
    meeting.summary_ar = "نص آخر"
    meeting.save()
    assert in_vocabulary("التهريب") == set()
    assert in_vocabulary("المحاصصه") == {"المحاصصه"}


def test_a_person_made_protected_leaves_the_vocabulary():
    meeting = factories.meeting("لقاء", published=True, governorate=None)
    person = factories.person("عبدالرقيب الشميري", public=True)
    factories.participation(meeting, person)
    person.refresh_from_db()
    assert "الشميري" in in_vocabulary("الشميري")
    person.visibility = Person.Visibility.PROTECTED
    person.save()
    assert in_vocabulary("الشميري") == set()


def test_an_organisation_known_only_from_a_draft_is_not_in_the_vocabulary_until_published():
    organization = factories.organization("جمعية الفرسان السرية")
    meeting = draft("لقاء")
    factories.involvement(meeting, organization)
    assert in_vocabulary("الفرسان") == set()
    meeting.publish()
    assert in_vocabulary("الفرسان") == {"الفرسان"}
    meeting.unpublish()
    assert in_vocabulary("الفرسان") == set()


def test_the_vocabulary_is_exactly_the_words_of_published_records():
    factories.full_meeting("لقاء منشور عن الشراكة")
    factories.full_meeting("مسودة عن الاحتكار", published=False)
    expected = set()
    for queryset in published_querysets():
        expected |= words_of_rows(queryset)
    assert set(SearchTerm.objects.values_list("term", flat=True)) == expected
    assert "الاحتكار" not in expected
    SearchTerm.objects.create(term="كلمةغريبة")
    vocabulary_rebuild()
    assert set(SearchTerm.objects.values_list("term", flat=True)) == expected


def test_pruning_asks_the_index_in_one_query_per_chunk(django_assert_max_num_queries):
    for i in range(3):
        factories.meeting(f"لقاء الكلمة{i} المشتركة", published=True, governorate=None)
    words = {f"الكلمه{i}" for i in range(3)} | {"المشتركه"}
    with django_assert_max_num_queries(3):
        assert vocabulary_prune(words) == 0
    assert SearchQuery.parse("x")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: its planner and its statistics")
def test_a_word_no_published_record_holds_is_looked_up_in_the_indexes_not_the_tables():
    """Asked with ``EXISTS``, a word in a few rows had PostgreSQL walk the whole table expecting to
    find one soon; for a word nobody holds any more (a protected person's name) that read every
    meeting, 1.2 s a word at 100,000. Each test now goes through the GIN indexes."""
    factories.meeting("لقاء الكلمة المشتركة", published=True, governorate=None)
    SearchTerm.objects.add(["كلمهمنسيه", "المشتركه"])

    def scans():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, seq_scan FROM pg_stat_xact_user_tables WHERE relname IN "
                "('meetings_meeting', 'meetings_recommendation', 'meetings_organization', 'meetings_person')"
            )
            return dict(cursor.fetchall())

    before = scans()
    assert vocabulary_prune({"كلمهمنسيه", "المشتركه"}) == 1
    assert scans() == before
    assert in_vocabulary("المشتركه") == {"المشتركه"} and not in_vocabulary("كلمهمنسيه")
