"""The search page runs a fixed number of queries, whatever the data.

Each view of the page (every kind, one kind, filtered, a suggestion for a misspelt word) is
measured with two published meetings' worth of searchable records and again after 25 more.
The records take seconds to build, so they are built once for the module (``measured``) and
each test reads its view's measurements.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting, MeetingOrganization
from tests import factories
from tests.portal import PortalClient

pytestmark = pytest.mark.django_db


def add_searchable_records(count, *, start=0):
    """``count`` published meetings about coordination, each with a recommendation, an
    organisation and a public speaker that the query «التنسيق» finds, and a draft beside them;
    every meeting in Marib."""
    for i in range(start, start + count):
        meeting = factories.meeting(
            f"لقاء التنسيق رقم {i}", published=True, governorate=None, date=datetime.date(2022, 1, 1) + datetime.timedelta(days=i)
        )
        organization = factories.organization(f"منظمة التنسيق {i}")
        factories.involvement(meeting, organization, MeetingOrganization.Role.ORGANISER)
        item = factories.recommendation(meeting, text_ar=f"تعزيز التنسيق بين الجهات {i}")
        item.addressees.add(organization)
        factories.participation(meeting, factories.person(f"سالم التنسيق {i}", public=True), statement_ar="التنسيق")
        factories.meeting(f"مسودة التنسيق {i}", governorate=None)
    Meeting.objects.update(governorate=factories.governorate("marib"))


# The search page's queries: on PostgreSQL the planner's estimates (one EXPLAIN), the
# counts (one query for every kind), one page of each kind shown, what each kind's listing
# prefetches (meetings: organisers; recommendations: addressees; people: their last
# published meetings), and the filter menus (governorate, project; the organisation is a
# text box with an autocomplete, which costs nothing when empty).
ESTIMATES = 1 if connection.vendor == "postgresql" else 0
MENUS = 2
VIEWS = {
    "all": ({"q": "التنسيق"}, ESTIMATES + 1 + 4 + 3 + MENUS),
    "meetings": ({"q": "التنسيق", "kind": "meetings"}, ESTIMATES + 1 + 1 + 1 + MENUS),
    "people": ({"q": "التنسيق", "kind": "people"}, ESTIMATES + 1 + 1 + 1 + MENUS),
    # Meetings and recommendations only (the dates do not apply to the others), + the
    # look-up of the governorate chosen.
    "filtered": (
        {"q": "التنسيق", "governorate": "marib", "date_from": "2021-01-01", "date_to": "2030-12-31"},
        ESTIMATES + 1 + 2 + 2 + MENUS + 1,
    ),
    # A misspelt word: estimates, counts (nothing found: no page, nothing prefetched), the
    # candidate spellings, their counts, the menus.
    "suggestion": ({"q": "التنسيخ"}, ESTIMATES + 1 + 2 + MENUS),
}


@dataclass
class Measure:
    status: int
    queries: list  # the SQL of each statement the page ran
    text: str


def measure_every_view(client):
    measures = {}
    for name, (params, _expected) in VIEWS.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("search:search"), params)
        queries = [query["sql"] for query in captured.captured_queries]
        measures[name] = Measure(response.status_code, queries, response.content.decode())
    return measures


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """``{"small": {view: Measure}, "large": {...}}``: 2 meetings' records, then 27."""
    with factories.kept_for_the_module(django_db_blocker):
        client = PortalClient()
        add_searchable_records(2)
        small = measure_every_view(client)
        add_searchable_records(25, start=2)
        yield {"small": small, "large": measure_every_view(client)}


def statements(measure):
    return f"{len(measure.queries)} statements:\n" + "\n".join(measure.queries)


@pytest.mark.parametrize("view", [view for view in VIEWS if view != "suggestion"])
def test_search_page_runs_a_fixed_number_of_queries(measured, view):
    small, large = measured["small"][view], measured["large"][view]
    assert small.status == large.status == 200
    assert len(small.queries) == VIEWS[view][1], statements(small)
    assert len(large.queries) == VIEWS[view][1], statements(large)
    assert large.text.count("search-hit") > small.text.count("search-hit")


def test_looking_for_a_suggestion_costs_two_queries_whatever_the_data(measured):
    small, large = measured["small"]["suggestion"], measured["large"]["suggestion"]
    assert small.status == large.status == 200
    assert len(small.queries) == VIEWS["suggestion"][1], statements(small)
    assert len(large.queries) == VIEWS["suggestion"][1], statements(large)
    assert 'class="search-suggestion"' in small.text and 'class="search-suggestion"' in large.text


def test_an_empty_query_runs_only_the_filter_menus(client, django_assert_num_queries):
    with django_assert_num_queries(MENUS):
        client.get(reverse("search:search"), {"q": "ُ ّ"})
