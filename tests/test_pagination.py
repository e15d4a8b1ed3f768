"""The meetings list's keyset pagination: every meeting once, newest first, and back; links
that keep the filters and stay valid when a newer meeting is published; bad cursors."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from tests import factories
from tests.portal import PortalClient, link, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture(scope="module")
def many_meetings(django_db_setup, django_db_blocker):
    """45 published meetings over 15 days, three a day (so the pk breaks ties); built once for
    the module (each test's own writes are undone after it, as usual)."""
    start = datetime.date(2023, 1, 1)
    with factories.kept_for_the_module(django_db_blocker):
        yield [
            factories.meeting(f"اجتماع متسلسل {i:03d}", published=True, date=start + datetime.timedelta(days=i // 3))
            for i in range(45)
        ]


def walk(client, url, rel):
    """Titles of each page, following rel=next (or prev) links until there are none."""
    pages = []
    while url:
        body = page(client, url)
        pages.append(re.findall(r"اجتماع متسلسل \d{3}", body))
        next_link = link(body, rel)
        url = f"{reverse('meetings:meeting_list')}{next_link}" if next_link else None
    return pages


def test_pagination_walks_every_meeting_once_newest_first_and_back(client, many_meetings):
    expected = [m.title for m in sorted(many_meetings, key=lambda m: (m.date, m.pk), reverse=True)]
    forward = walk(client, reverse("meetings:meeting_list"), "next")
    assert [len(p) for p in forward] == [20, 20, 5]
    assert [title for p in forward for title in p] == expected
    last = reverse("meetings:meeting_list") + link(page(client, reverse("meetings:meeting_list")), "next")
    body = page(client, last)
    last = reverse("meetings:meeting_list") + link(body, "next")
    backward = walk(client, last, "prev")
    assert backward == list(reversed(forward))


def test_pagination_links_keep_the_filters(client, many_meetings):
    body = page(client, reverse("meetings:meeting_list"), kind="consultative", governorate="marib")
    next_link = link(body, "next")
    assert "kind=consultative" in next_link and "governorate=marib" in next_link and "after=" in next_link


def test_a_page_link_stays_valid_when_a_newer_meeting_is_published(client, many_meetings):
    second = reverse("meetings:meeting_list") + link(page(client, reverse("meetings:meeting_list")), "next")
    before = re.findall(r"اجتماع متسلسل \d{3}", page(client, second))
    factories.meeting("اجتماع أحدث", published=True, date=datetime.date(2024, 1, 1))
    assert re.findall(r"اجتماع متسلسل \d{3}", page(client, second)) == before


@pytest.mark.parametrize(
    "cursor", ["garbage", "2023-01-01", "2023-02-30.4", "2023-01-01.x", "2023-01-01.99999999999999999999999"]
)
def test_a_malformed_or_impossible_page_cursor_is_not_an_error(client, many_meetings, cursor):
    response = client.get(reverse("meetings:meeting_list"), {"after": cursor})
    assert response.status_code == 200


def test_a_malformed_page_cursor_shows_the_first_page_with_a_message(client, many_meetings):
    body = page(client, reverse("meetings:meeting_list"), after="garbage")
    assert gettext("The page link is not valid; the first page is shown.") in body
    assert "اجتماع متسلسل 044" in body
