"""What keeps the public pages fast at real size (issue 10), at test size: the organisations
list by keyset, the sitemap index and its id-range pages, the calendars' window, and the
counts read from the summary rows agreeing with what the lists show."""

import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import sitemaps
from meetings.models import Organization, Project
from meetings.views import public
from tests import factories
from tests.portal import PortalClient

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def client():
    return PortalClient()


def organisation_names(response):
    return [unquote(slug) for slug in re.findall(r'href="/organizations/([^"/]+)/"', response.content.decode())]


def test_organisations_list_pages_by_kind_and_name_with_a_stable_cursor(client, monkeypatch):
    monkeypatch.setattr(public, "ORGANIZATIONS_PER_PAGE", 3)
    meeting = factories.meeting(published=True)
    names = ["منظمة أ.ب", "منظمة ج", "منظمة د", "منظمة هـ", "منظمة و", "منظمة ز.1"]
    for name in names:
        factories.involvement(meeting, factories.organization(name, kind=Organization.Kind.NGO))
    hidden = factories.organization("منظمة مسودة")
    factories.involvement(factories.meeting(), hidden)
    expected = list(Organization.objects.published().order_by("kind", "name_ar", "pk").values_list("slug", flat=True))
    seen, path = [], reverse("meetings:organization_list")
    for _page in range(5):
        response = client.get(path)
        assert response.status_code == 200
        seen += organisation_names(response)
        following = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
        if not following:
            break
        path = reverse("meetings:organization_list") + following.group(1).replace("&amp;", "&")
    assert seen == expected
    assert hidden.slug not in seen


def test_a_malformed_organisations_cursor_shows_the_first_page(client):
    factories.involvement(factories.meeting(published=True), factories.organization())
    for cursor in ["x", "ngo", "ngo.name.notanumber", "\x00"]:
        response = client.get(reverse("meetings:organization_list"), {"after": cursor})
        assert response.status_code == 200


def test_sitemap_index_names_id_range_pages_and_each_answers(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "IDS_PER_PAGE", 2)
    published = [factories.meeting(published=True) for _ in range(5)]
    draft = factories.meeting()
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [entry.findtext(f"{SITEMAP}loc") for entry in index.findall(f"{SITEMAP}sitemap")]
    meeting_pages = [location for location in locations if "/sitemap-meetings.xml" in location]
    top = max(meeting.pk for meeting in [*published, draft])
    assert len(meeting_pages) == -(-top // 2)
    found = set()
    for location in meeting_pages:
        response = client.get(location.removeprefix("http://testserver"))
        assert response.status_code == 200
        found |= {entry.findtext(f"{SITEMAP}loc") for entry in ET.fromstring(response.content).findall(f"{SITEMAP}url")}
    for meeting in published:
        assert f"http://testserver{meeting.get_absolute_url()}" in found
    assert not any(draft.slug in location for location in found)
    # Ids keep growing across tests on PostgreSQL: the page after the last one, not a fixed number.
    assert client.get(f"/sitemap-meetings.xml?p={len(meeting_pages) + 1}").status_code == 404
    assert client.get("/sitemap-meetings.xml?p=abc").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_calendar_holds_the_recent_and_coming_meetings_only(client, settings):
    today = timezone.localdate()
    inside = [
        factories.meeting(published=True, date=today - datetime.timedelta(days=settings.SANAD_CALENDAR_DAYS_BACK)),
        factories.meeting(published=True, date=today + datetime.timedelta(days=30)),
    ]
    outside = [
        factories.meeting(published=True, date=today - datetime.timedelta(days=settings.SANAD_CALENDAR_DAYS_BACK + 1)),
        factories.meeting(published=True, date=today + datetime.timedelta(days=settings.SANAD_CALENDAR_DAYS_AHEAD + 1)),
    ]
    body = client.get(reverse("meetings:calendar_meetings")).content.decode()
    for meeting in inside:
        assert f"UID:meeting-{meeting.pk}@" in body
    for meeting in outside:
        assert f"UID:meeting-{meeting.pk}@" not in body


def test_list_totals_from_the_summary_rows_match_the_records(client):
    org = factories.organization()
    for number in range(3):
        meeting = factories.full_meeting(f"اجتماع {number}")
        factories.involvement(meeting, org)
    factories.full_meeting("مسودة", published=False)
    meetings = client.get(reverse("meetings:meeting_list")).context["total"]
    assert meetings == 3
    filtered = client.get(reverse("meetings:meeting_list"), {"organization": org.slug}).context["total"]
    assert filtered == 3
    response = client.get(reverse("meetings:recommendation_list"))
    assert response.context["total"] == sum(count for _status, count in response.context["status_summary"]) == 3
    response = client.get(reverse("meetings:recommendation_list"), {"status": "proposed"})
    assert response.context["total"] == dict(response.context["status_summary"])[
        next(status for status, _count in response.context["status_summary"] if status.value == "proposed")
    ]


def test_the_projects_list_is_paged_by_name_and_walks_every_published_project(client, monkeypatch):
    monkeypatch.setattr(public, "PROJECTS_PER_PAGE", 2)
    for name in ["مشروع ج", "مشروع أ", "مشروع ب", "مشروع د", "مشروع هـ"]:
        factories.meeting(published=True, project=factories.project(name))
    hidden = factories.project("مشروع في مسودة فقط")
    factories.meeting(project=hidden)
    expected = list(Project.objects.published().order_by("name_ar", "pk").values_list("slug", flat=True))
    assert len(expected) == 5
    seen, path, pages = [], reverse("meetings:project_list"), 0
    for _page in range(5):
        response = client.get(path)
        assert response.status_code == 200
        body = response.content.decode()
        on_page = [unquote(slug) for slug in re.findall(r'href="/projects/([^/"]+)/"', body)]
        assert 0 < len(on_page) <= 2
        seen, pages = seen + on_page, pages + 1
        following = re.search(r'rel="next" href="([^"]+)"', body)
        if not following:
            break
        path = reverse("meetings:project_list") + following.group(1).replace("&amp;", "&")
    assert seen == expected and pages == 3
    assert hidden.slug not in seen
    # A malformed cursor shows the first page; past the last page, an empty page says so.
    assert client.get(reverse("meetings:project_list"), {"after": "\x00"}).status_code == 200
    last = client.get(reverse("meetings:project_list"), {"after": "ي.999999"}).content.decode()
    assert "لا مزيد من المشاريع." in last
