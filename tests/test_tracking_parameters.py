"""Tracking parameters (fbclid=, utm_…=) taken off every address (sanad/tracking_parameters.py):
nothing else of the query string changes, and no page writes them into its links."""

import pytest
from django.test import Client

from sanad.tracking_parameters import without_tracking
from tests import factories


@pytest.mark.parametrize(
    ("query_string", "kept"),
    [
        ("fbclid=IwAR3x", ""),
        ("q=%D9%85%D8%A3%D8%B1%D8%A8&fbclid=IwAR3x&page=2", "q=%D9%85%D8%A3%D8%B1%D8%A8&page=2"),
        ("utm_source=facebook&utm_medium=social&utm_campaign=ramadan&utm_id=7", ""),
        ("UTM_Source=x&Fbclid=y&governorate=marib", "governorate=marib"),
        ("utm%5Fsource=x&status=open", "status=open"),
        ("gclid=1&msclkid=2&mc_cid=3&mc_eid=4&igshid=5&_ga=6&tag=a&tag=b", "tag=a&tag=b"),
        # Only these names: a parameter that merely starts like one is someone's own.
        ("fbclidx=1&utm=2&q=utm_source", "fbclidx=1&utm=2&q=utm_source"),
        ("q=a+b&empty=&bare", "q=a+b&empty=&bare"),
    ],
)
def test_only_tracking_parameters_are_taken_off(query_string, kept):
    assert without_tracking(query_string) == kept


def test_a_page_reads_and_links_the_address_without_them(db):
    meeting = factories.full_meeting("لقاء تشاوري في مأرب")
    client = Client()
    url = meeting.get_absolute_url()
    shared = client.get(f"{url}?fbclid=IwAR0clickOfOneReader&utm_source=facebook")
    assert shared.status_code == 200
    assert shared.content == client.get(url).content
    assert "IwAR0clickOfOneReader" not in shared.content.decode()
    # A filter beside them still filters.
    listed = client.get("/meetings/?utm_source=newsletter&q=&governorate=taiz")
    assert listed.status_code == 200
    assert "لقاء تشاوري في مأرب" not in listed.content.decode()
    assert "newsletter" not in listed.content.decode()
