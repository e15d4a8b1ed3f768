"""The lists and the search page cost the same queries whatever the number of organisations
(the organisation filter is a text box with an autocomplete, not a menu of every organisation),
and never list the organisations of a meeting as options.

Each page is measured with one crowded meeting of 5 participating organisations and again
with 60. The organisations take seconds to build, so they are built once for the module
(``measured``) and each test reads its page's measurements.
"""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import MeetingOrganization
from tests import factories
from tests.portal import PortalClient
from tests.test_organization_filter import add_organizations

pytestmark = pytest.mark.django_db

PAGES = {
    "meetings": ("meetings:meeting_list", {}),
    "meetings, organisation by slug": ("meetings:meeting_list", {"organization": "RIGHTS"}),
    "meetings, organisation by name": ("meetings:meeting_list", {"organization": "منظمة حقوق الانسان"}),
    "recommendations": ("meetings:recommendation_list", {}),
    "recommendations, addressee": ("meetings:recommendation_list", {"addressee": "RIGHTS"}),
    "search": ("search:search", {"q": "لقاء"}),
    "search, organisation": ("search:search", {"q": "لقاء", "organization": "RIGHTS"}),
}


def rights_organization():
    """A published organisation with a hamza in its name, an English name and acronyms, in a
    published meeting with a recommendation addressed to it."""
    organization = factories.organization(
        "منظمة حقوق الإنسان", name_en="Human Rights Organisation", acronym_ar="محا", acronym_en="HRO"
    )
    meeting = factories.meeting("لقاء حول حقوق الإنسان", published=True)
    factories.involvement(meeting, organization, MeetingOrganization.Role.PARTNER)
    factories.recommendation(meeting, text_ar="توصية إلى منظمة حقوق الإنسان").addressees.add(organization)
    return organization


@dataclass
class Measure:
    status: int
    queries: int
    body: str


def measure_every_page(client, rights):
    measures = {}
    for name, (url_name, params) in PAGES.items():
        params = {key: rights.slug if value == "RIGHTS" else value for key, value in params.items()}
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(url_name), params)
        measures[name] = Measure(response.status_code, len(captured.captured_queries), response.content.decode())
    return measures


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """``{"small": {page: Measure}, "large": {...}, "names": [the 60 organisations]}``."""
    with factories.kept_for_the_module(django_db_blocker):
        client, rights = PortalClient(), rights_organization()
        crowd = factories.meeting("لقاء المشاركين الكثيرين", published=True)
        names = add_organizations(crowd, 5)
        small = measure_every_page(client, rights)
        names += add_organizations(crowd, 55, start=5)
        yield {"small": small, "large": measure_every_page(client, rights), "names": names}


@pytest.mark.parametrize("name", PAGES)
def test_the_pages_cost_does_not_grow_with_the_number_of_organisations(measured, name):
    small, large = measured["small"][name], measured["large"][name]
    assert small.status == large.status == 200
    assert small.queries == large.queries
    assert not any(organization in large.body for organization in measured["names"][5:])
    assert "notice--error" not in large.body
