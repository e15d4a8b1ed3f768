"""An organisation's meetings and the recommendations addressed to it: the same ones, in the
same order, however they are looked for.

``Meeting.objects.with_organization(organization, count=...)`` finds a busy organisation's
newest meetings by walking the newest published meetings, a quiet one's as a set of ids
(docs/performance.md); both must give every meeting it took part in, in any role, once.
``Recommendation.objects.addressed_to(organization)`` reads each row's copy of its addressees on
PostgreSQL and the addressees' table on SQLite; both must give the same recommendations.
"""

import datetime

import pytest
from django.db import connection

from meetings import lookup
from meetings.filters import MeetingFilterForm, RecommendationFilterForm
from meetings.models import Meeting, MeetingOrganization, Recommendation
from meetings.models.meetings import MeetingQuerySet

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation_meetings():
    ours, other = factories.organization("منظمة ألف"), factories.organization("منظمة باء")
    expected = []
    for day in range(1, 9):
        meeting = factories.meeting(date=datetime.date(2022, 3, day), published=True)
        factories.involvement(meeting, other)
        if day % 4 == 1:  # organiser
            factories.involvement(meeting, ours)
        elif day % 4 == 2:  # a partner and a speaker's organisation: listed once
            factories.involvement(meeting, ours, role=MeetingOrganization.Role.PARTNER)
            factories.participation(meeting, factories.person(), organization=ours)
        elif day % 4 == 3:  # only a speaker's organisation
            factories.participation(meeting, factories.person(), organization=ours)
        else:
            continue
        expected.append(meeting.pk)
    draft = factories.meeting(date=datetime.date(2022, 3, 20))
    factories.involvement(draft, ours)
    return ours, expected[::-1]


@pytest.mark.parametrize("count", [None, 0, MeetingQuerySet.BUSY_ORGANIZATION, 10**6])
def test_either_way_gives_every_meeting_once_newest_first(organisation_meetings, count):
    ours, expected = organisation_meetings
    found = Meeting.objects.published().with_organization(ours, count=count).newest_first()
    assert list(found.values_list("pk", flat=True)) == expected
    assert list(found.values_list("pk", flat=True)[:2]) == expected[:2]
    assert found.count() == len(expected) == 6


def test_the_lists_filter_by_the_count_the_look_up_found(organisation_meetings, monkeypatch):
    """The meetings list filtered by an organisation picks the way by its number of meetings,
    which the filter's look-up reads with it (no query more): for a busy one, the newest
    published meetings walked and checked against its ids, not its ids joined and sorted."""
    ours, expected = organisation_meetings
    (found,) = lookup.choose(ours.slug, lookup.organization_candidates(ours.slug, slug=ours.slug), slug=ours.slug)
    assert found.published_meeting_count == len(expected) == 6

    def statement(form_data):
        form = MeetingFilterForm(form_data)
        assert form.is_valid()
        meetings = form.apply(Meeting.objects.published()).newest_first()
        assert list(meetings.values_list("pk", flat=True)) == expected
        return str(meetings.query)

    assert "UNION" in statement({"organization": ours.slug})
    monkeypatch.setattr(MeetingQuerySet, "BUSY_ORGANIZATION", 6)
    busy = statement({"organization": ours.slug})
    assert "UNION" not in busy
    assert "UNION" not in statement({"organization": ours.name})
    if connection.vendor == "postgresql":
        # Each meeting's copy of its organisations' keys, checked on the row (search/schema.py),
        # rather than the organisation's ids read from both tables and hashed.
        assert "organization_ids" in busy and "meetings_participation" not in busy
    else:
        assert "meetings_participation" in busy


@pytest.fixture
def addressed_recommendations():
    ours, other = factories.organization("منظمة ألف"), factories.organization("منظمة باء")
    expected = []
    for day in range(1, 5):
        meeting = factories.meeting(date=datetime.date(2022, 3, day), published=True)
        alone, shared, elsewhere, moved = (
            factories.recommendation(meeting, text_ar=f"توصية {day} {n}") for n in range(4)
        )
        alone.addressees.add(ours)
        shared.addressees.add(other, ours)
        elsewhere.addressees.add(other)
        moved.addressees.add(ours)
        moved.addressees.remove(ours)  # no longer addressed to us, in the same transaction
        expected[:0] = [alone.pk, shared.pk]  # newest meeting first, in their order within it
    draft = factories.meeting(date=datetime.date(2022, 3, 20))
    factories.recommendation(draft, text_ar="توصية في مسودة").addressees.add(ours)
    return ours, expected


def test_the_recommendations_addressed_to_an_organisation_are_the_same_on_either_database(addressed_recommendations):
    ours, expected = addressed_recommendations
    found = Recommendation.objects.published().addressed_to(ours).newest_first()
    assert list(found.values_list("pk", flat=True)) == expected
    assert found.count() == len(expected) == 8
    # Unpublished or not: the filter itself only asks who they are addressed to.
    assert Recommendation.objects.addressed_to(ours).count() == 9

    form = RecommendationFilterForm({"addressee": ours.slug})
    assert form.is_valid()
    listed = form.apply(Recommendation.objects.published()).newest_first()
    assert list(listed.values_list("pk", flat=True)) == expected
    statement = str(listed.query)
    if connection.vendor == "postgresql":
        # Each row's copy of its addressees, which the search index holds beside the words.
        assert "addressee_ids" in statement and "meetings_recommendation_addressees" not in statement
    else:
        assert "meetings_recommendation_addressees" in statement
