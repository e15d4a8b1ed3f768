"""Every API page runs a fixed number of queries, whatever the amount of data (measured with
one meeting, then again after ten more fully recorded ones; the count must not move)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.portal import PortalClient
from tests.test_query_counts import add_meetings

pytestmark = [pytest.mark.django_db, pytest.mark.long]

# The most queries any API response may run (the detail of a meeting loads the most).
CEILING = 12


@pytest.fixture
def shared():
    return {
        "organization": factories.organization("منظمة مشتركة"),
        "project": factories.project("مشروع مشترك"),
        "tag": factories.tag("وسم_مشترك"),
    }


def paths(shared):
    meeting = shared["project"].meetings.filter(status="published").order_by("-date", "-pk").first()
    recommendation = meeting.recommendations.order_by("order").first()
    person = meeting.participations.filter(person__visibility="public").first().person
    return [
        "/api/v1/",
        "/api/v1/meetings/",
        f"/api/v1/meetings/?organization={shared['organization'].slug}&page_size=100",
        f"/api/v1/meetings/{meeting.pk}/",
        "/api/v1/recommendations/?page_size=100",
        f"/api/v1/recommendations/{recommendation.pk}/",
        "/api/v1/organizations/?page_size=100",
        f"/api/v1/organizations/{shared['organization'].pk}/",
        "/api/v1/projects/?page_size=100",
        "/api/v1/governorates/?page_size=100",
        "/api/v1/themes/?page_size=100",
        "/api/v1/tags/?page_size=100",
        "/api/v1/people/?page_size=100",
        f"/api/v1/people/{person.pk}/",
        "/api/v1/popolo/persons/?page_size=100",
        "/api/v1/popolo/organizations/?page_size=100",
        "/api/v1/popolo/posts/?page_size=100",
        "/api/v1/popolo/memberships/?page_size=100",
        "/api/v1/ocd/events/?page_size=100",
        f"/api/v1/ocd/events/{meeting.pk}/",
    ]


def count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_each_api_page_runs_the_same_queries_with_more_data(shared):
    client = PortalClient()
    add_meetings(1, shared)
    measured = paths(shared)
    before = {path: count(client, path) for path in measured}
    add_meetings(10, shared, start=1)
    factories.meeting("اجتماع أحدث", published=True, date=datetime.date(2030, 1, 1))
    after = {path: count(client, path) for path in measured}
    assert after == before
    assert max(after.values()) <= CEILING, after
