"""The safety rules of the public portal, checked on every page a reader can reach.

1. Only what the ``published()`` QuerySet methods allow ever appears: nothing of a
   draft, in-review or archived meeting — not its title, its recommendations, the
   organisations, projects, tags, themes or people known only from it — in any page
   or count, and its address is a 404.
2. A protected person is never named: not in a page, a title, a meta tag or an
   attribute; only the post they held or the organisation they represented.

"Every page" includes what the pages link to for download: each list's CSV, XLSX and JSON
export and the whole-dataset zip (built before each crawl), read as text (tests/portal.py).
"""

import datetime
import io
import re
import unicodedata
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from meetings.exports.dataset import build_dataset
from meetings.models import Meeting, MeetingOrganization, Recommendation
from tests import factories
from tests.portal import PortalClient, api_crawl, crawl

pytestmark = [pytest.mark.django_db, pytest.mark.long]

HIDDEN_STATUSES = [Meeting.Status.DRAFT, Meeting.Status.REVIEW, Meeting.Status.ARCHIVED]
PROTECTED_NAME_AR = "زيد بن حارثة المحمي"
PROTECTED_NAME_EN = "Zaid Hidden-Defender"


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The dataset zip is written to a temporary directory, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def unpublished_meeting(status, marker):
    """A meeting of ``status`` whose every record (organisations, project, tag, theme,
    recommendation, speaker) exists only through it, each named with ``marker``."""
    meeting = factories.full_meeting(
        f"عنوان {marker}",
        published=False,
        status=status,
        project=factories.project(f"مشروع {marker}"),
        title_en=f"Title {marker}",
    )
    for number, involvement in enumerate(meeting.involvements.all()):
        involvement.organization.name_ar = f"منظمة {marker} {number}"
        involvement.organization.name_en = f"Organisation {marker} {number}"
        involvement.organization.save()
    for number, participation in enumerate(meeting.participations.all()):
        participation.statement_ar = f"قال المتحدث {marker} {number}"
        participation.save()
    tag = meeting.tags.get()
    tag.name_ar = f"وسم_{marker}"
    tag.save()
    recommendation = meeting.recommendations.get()
    recommendation.text_ar = f"توصية {marker}"
    recommendation.save()
    recommendation.theme.name_ar = f"محور {marker}"
    recommendation.theme.save()
    meeting.markers = markers_of(meeting)
    return meeting


def markers_of(meeting):
    """What is known only from ``meeting`` (taken before anything is shared with a published one)."""
    recommendation = meeting.recommendations.get()
    return [
        meeting.title,
        meeting.slug,
        meeting.project.name,
        meeting.project.slug,
        meeting.tags.get().name,
        recommendation.text,
        recommendation.theme.name,
        *(i.organization.name_ar for i in meeting.involvements.all()),
        *(i.organization.name_en for i in meeting.involvements.all()),
        *(i.organization.slug for i in meeting.involvements.all()),
        *(p.position.title for p in meeting.participations.all()),
        *(p.person.name for p in meeting.participations.all()),  # even a public person
        *(p.statement for p in meeting.participations.all()),
    ]


def build_world():
    """One published meeting, one meeting of each hidden status, and links between them."""
    published = factories.full_meeting("الاجتماع المنشور الوحيد", date=datetime.date(2022, 11, 26))
    hidden = {
        status: unpublished_meeting(status, marker)
        for status, marker in zip(HIDDEN_STATUSES, ["مسودةسرية", "قيدالمراجعة", "مؤرشفسري"], strict=True)
    }
    draft = hidden[Meeting.Status.DRAFT]
    # The published meeting follows a draft, a draft follows it, and its recommendation
    # was discussed at a draft: none of those may show.
    published.follows = draft
    published.save()
    factories.meeting("متابعة غير منشورة مسودةسرية", follows=published)
    published.recommendations.get().set_status(
        Recommendation.Status.ACCEPTED, on=datetime.date(2023, 1, 1), meeting=draft, note="قبول"
    )
    # A published organisation that also appears in the draft, in another role.
    shared = published.involvements.get(role="organiser").organization
    factories.involvement(draft, shared, MeetingOrganization.Role.FUNDER)
    return published.pk, {status: (meeting.pk, meeting.markers) for status, meeting in hidden.items()}


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module, and every page of it crawled once: ``(pks, pages)``.
    The tests that only read the crawl share it; each test's own writes (unpublishing,
    protecting a person) are undone after it, as usual, and crawl again."""
    media = tmp_path_factory.mktemp("media")
    with factories.kept_for_the_module(django_db_blocker), override_settings(MEDIA_ROOT=media):
        pks = build_world()
        yield pks, all_pages(PortalClient())


@pytest.fixture
def world(built_world):
    """``(published, {status: meeting})``, read afresh for each test (a test may change them)."""
    cache.clear()  # nothing a previous test's undone writes left behind
    (published_pk, hidden), _pages = built_world
    meetings = Meeting.objects.in_bulk([published_pk, *(pk for pk, _markers in hidden.values())])
    for status, (pk, markers) in hidden.items():
        meetings[pk].markers = markers
    return meetings[published_pk], {status: meetings[pk] for status, (pk, _markers) in hidden.items()}


@pytest.fixture
def crawled(built_world):
    """Every page of the world as it was built (``all_pages``), crawled once for the module."""
    return built_world[1]


def body_of(response):
    """A page's text; a PDF's text read back (shaped Arabic normalised, lines joined)."""
    if response.get("Content-Type") == "application/pdf":
        reader = PdfReader(io.BytesIO(response.content))
        text = " ".join(page.extract_text() for page in reader.pages)
        return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))
    return response.content.decode()


def all_pages(client):
    """Every page, export, the dataset and every API response a reader can reach from the home pages."""
    build_dataset()
    return {**crawl(client, "/", "/en/"), **api_crawl(client)}


def test_the_crawl_reaches_every_kind_of_page(world, crawled):
    paths = set(crawled)
    names = {re.sub(r"/\d+/", "/<pk>/", path) for path in paths}
    for url_name in [
        "meeting_list",
        "recommendation_list",
        "organization_list",
        "project_list",
        "governorate_list",
        "statistics",
    ]:
        assert reverse(f"meetings:{url_name}") in names
    assert any(path.endswith(".csv") for path in paths) and any(path.endswith(".pdf") for path in paths)
    published, _hidden = world
    assert published.get_absolute_url() in paths
    assert published.tags.get().get_absolute_url() in names
    assert published.project.get_absolute_url() in names
    assert f"/en{published.get_absolute_url()}" in paths


def test_the_crawl_reaches_every_endpoint_of_the_api(client, world):
    paths = set(api_crawl(client))
    names = {re.sub(r"/\d+/", "/<pk>/", path.split("?")[0]) for path in paths}
    for endpoint in ["meetings", "recommendations", "organizations", "projects", "governorates", "themes", "tags",
                     "people", "popolo/persons", "popolo/organizations", "popolo/posts", "popolo/memberships",
                     "ocd/events"]:
        assert f"/api/v1/{endpoint}/" in names, endpoint
        # Popolo and OCD records carry their own ids, not addresses: tests/test_api_protection.py probes those.
        assert f"/api/v1/{endpoint}/<pk>/" in names or endpoint.startswith(("popolo/", "ocd/")), endpoint
    published, _hidden = world
    assert f"/api/v1/meetings/{published.pk}/" in paths
    assert f"/api/v1/recommendations/{published.recommendations.get().pk}/" in paths


def test_the_crawl_reads_every_export_format_and_the_dataset(world, crawled):
    pages = crawled
    downloads = {path for path, response in pages.items() if getattr(response, "streamed", False)}
    for name in ("meeting_export", "recommendation_export", "organization_export"):
        for file_format in ("csv", "xlsx", "json"):
            for prefix in ("", "/en"):
                url = prefix + reverse(f"meetings:{name}", kwargs={"file_format": file_format})
                assert url in downloads, url
    # Filtered exports too (from the project, governorate, organisation and tag pages).
    assert any("export.xlsx?project=" in path for path in downloads)
    assert any("export.json?tag=" in path for path in downloads)
    assert reverse("meetings:dataset_download") in downloads
    published, _hidden = world
    for path in downloads:
        assert pages[path].status_code == 200, path
    assert published.title in pages[reverse("meetings:dataset_download")].content.decode()


def test_nothing_of_an_unpublished_meeting_appears_on_any_page(world, crawled):
    published, hidden = world
    pages = crawled
    assert len(pages) > 30
    for status, meeting in hidden.items():
        for marker in meeting.markers:
            for path, response in pages.items():
                body = body_of(response)
                assert marker not in body, (status, marker, path)
                assert quote(marker) not in body, (status, marker, path)


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_an_unpublished_meeting_and_its_records_are_404(client, world, status):
    _published, hidden = world
    meeting = hidden[status]
    recommendation = meeting.recommendations.get()
    for url in [
        meeting.get_absolute_url(),
        recommendation.get_absolute_url(),
        meeting.project.get_absolute_url(),
        meeting.tags.get().get_absolute_url(),
        meeting.involvements.get(role="partner").organization.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.get(f"/en{url}").status_code == 404, url


def test_filtering_by_a_record_known_only_from_a_draft_shows_nothing_of_it(client, world):
    _published, hidden = world
    draft = hidden[Meeting.Status.DRAFT]
    for url, params in [
        (reverse("meetings:meeting_list"), {"organization": draft.involvements.get(role="partner").organization.slug}),
        (reverse("meetings:meeting_list"), {"project": draft.project.slug}),
        (reverse("meetings:meeting_list"), {"tag": draft.tags.get().slug}),
        (reverse("meetings:recommendation_list"), {"theme": draft.recommendations.get().theme.slug}),
        (reverse("meetings:recommendation_list"), {"addressee": draft.recommendations.get().addressees.get().slug}),
    ]:
        response = client.get(url, params)
        body = response.content.decode()
        assert response.status_code == 200
        assert "notice--error" in body  # not a choice the public has
        if {"organization", "addressee"} & set(params):
            # The organisation filter is a text box: it shows the reader's own input back
            # (and quotes it in the message), exactly as for a slug that never existed.
            body = body.replace(next(iter(params.values())), "")
        for marker in draft.markers:
            assert marker not in body, (params, marker)


def test_counts_include_only_published_records(client, world):
    published, _hidden = world
    body = client.get(reverse("meetings:home")).content.decode()
    numbers = [int(n) for n in re.findall(r'stats__number">(\d+)<', body)]
    assert numbers == [1, 1, 3, 1]  # meetings, recommendations, organisations, governorates
    listing = client.get(reverse("meetings:meeting_list")).content.decode()
    assert listing.count('class="card meeting-card"') == 1


def test_a_shared_organisation_page_shows_only_its_published_involvement(client, world):
    published, hidden = world
    shared = published.involvements.get(role="organiser").organization
    body = client.get(shared.get_absolute_url()).content.decode()
    assert published.title in body
    assert hidden[Meeting.Status.DRAFT].title not in body
    assert "(<bdi>1</bdi>)" in body  # one meeting, not two


def test_the_published_meeting_does_not_link_unpublished_neighbours(client, world):
    published, hidden = world
    body = client.get(published.get_absolute_url()).content.decode()
    assert hidden[Meeting.Status.DRAFT].get_absolute_url() not in body
    assert "متابعة غير منشورة" not in body
    with translation.override("ar"):
        assert gettext("Related meetings") not in body
    timeline = client.get(published.recommendations.get().get_absolute_url()).content.decode()
    assert "قبول" in timeline  # the update itself is public
    assert hidden[Meeting.Status.DRAFT].title not in timeline


def test_unpublishing_a_meeting_removes_it_at_once(client, world):
    published, _hidden = world
    url = published.get_absolute_url()
    assert client.get(url).status_code == 200
    published.unpublish()
    assert client.get(url).status_code == 404
    assert published.title not in client.get(reverse("meetings:meeting_list")).content.decode()


# --- Protected people --------------------------------------------------------------


@pytest.fixture
def protected_speaker(world):
    """A protected human-rights defender who spoke at the published meeting (and at a draft)."""
    published, hidden = world
    defender = factories.person(PROTECTED_NAME_AR, name_en=PROTECTED_NAME_EN)
    monitor = factories.organization("مرصد الحقوق المحلي")
    post = factories.position(defender, "منسق الرصد الميداني", organization=monitor)
    factories.participation(published, position_obj=post, statement_ar="وثقنا عشرات الانتهاكات.")
    factories.participation(hidden[Meeting.Status.DRAFT], person_obj=defender)
    # The same person with no post and no organisation at a second published meeting.
    second = factories.meeting("اجتماع ثان منشور", published=True, date=datetime.date(2023, 3, 3))
    factories.participation(second, person_obj=defender, statement_ar="شهادة بلا صفة.")
    return defender


def test_a_protected_person_is_never_named_on_any_page(client, world, protected_speaker):
    pages = all_pages(client)
    assert len(pages) > 30
    for path, response in pages.items():
        body = body_of(response)
        for name in (PROTECTED_NAME_AR, PROTECTED_NAME_EN, quote(PROTECTED_NAME_AR)):
            assert name not in body, (path, name)


def test_a_protected_person_is_shown_by_post_and_organisation_instead(client, world, protected_speaker):
    published, _hidden = world
    monitor = protected_speaker.positions.get().organization
    for url, organization_name in [
        (published.get_absolute_url(), monitor.name_ar),
        (f"/en{published.get_absolute_url()}", monitor.name_en),
    ]:
        body = client.get(url).content.decode()
        assert "منسق الرصد الميداني" in body and organization_name in body
        assert "وثقنا عشرات الانتهاكات." in body
        meta = " ".join(re.findall(r"<(?:meta|title|link)[^>]*>", body))
        assert PROTECTED_NAME_AR not in meta and PROTECTED_NAME_EN not in meta


def test_a_protected_person_without_a_post_is_an_anonymous_participant(client, world, protected_speaker):
    second = Meeting.objects.get(title_ar="اجتماع ثان منشور")
    body = client.get(second.get_absolute_url()).content.decode()
    assert "شهادة بلا صفة." in body
    with translation.override("ar"):
        assert gettext("A participant") in body


def test_a_public_person_is_named(client, world, protected_speaker):
    """The control for the tests above: names do reach the page when the person is public."""
    published, _hidden = world
    public = published.participations.filter(person__visibility="public").first().person
    assert public.name in client.get(published.get_absolute_url()).content.decode()


def test_making_a_public_person_protected_removes_the_name_everywhere(client, world):
    published, _hidden = world
    person = published.participations.filter(person__visibility="public").first().person
    person.visibility = person.Visibility.PROTECTED
    person.save()
    for path, response in all_pages(client).items():
        assert person.name not in body_of(response), path
