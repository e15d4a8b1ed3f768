"""Public pages, issue 11: short meeting addresses (old ones redirect), the recommendation's text as
its headline, organisation names kept apart in the markup, calendar links, the favicon, the team's
sign-in link, Hijri dates, and the direction of text on English pages."""

import datetime
import re
import subprocess
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from meetings.models import MeetingOrganization, Organization
from meetings.templatetags.sanad import hijri
from tests import factories
from tests.portal import PortalClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return PortalClient()


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def text_of(markup):
    """What a reader copies: the markup without its tags (CSS-generated content is not copied)."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", markup)))


@pytest.fixture
def meeting():
    return factories.full_meeting(
        "اللقاء التشاوري الموسع لمناقشة التحديات التي تواجه عمل منظمات المجتمع المدني في محافظة مأرب",
        title_en="Consultation on the challenges civil society faces in Marib",
    )


# --- Short, stable meeting addresses ------------------------------------------------------


def test_a_meeting_address_is_short_and_made_of_its_id(meeting):
    url = meeting.get_absolute_url()
    assert url == f"/meetings/{meeting.pk}/"
    assert len(quote(url)) <= 40
    with translation.override("en"):
        assert meeting.get_absolute_url() == f"/en/meetings/{meeting.pk}/"


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_old_title_address_redirects_permanently(client, meeting, prefix):
    response = client.get(f"{prefix}/meetings/{quote(meeting.slug)}/")
    assert response.status_code == 301
    assert response["Location"] == f"{prefix}/meetings/{meeting.pk}/"
    assert client.get(response["Location"]).status_code == 200


def test_the_old_address_of_an_unpublished_meeting_is_not_found(client):
    draft = factories.full_meeting("مسودة لقاء لم ينشر", published=False)
    assert client.get(f"/meetings/{quote(draft.slug)}/").status_code == 404
    assert client.get(f"/meetings/{draft.pk}/").status_code == 404
    assert client.get("/meetings/no-such-meeting/").status_code == 404


def test_sitemap_feeds_calendar_and_search_use_the_short_address(client, meeting, settings):
    # The calendar holds meetings of a bounded window: reach back to the fixture's date.
    settings.SANAD_CALENDAR_DAYS_BACK = (datetime.date.today() - meeting.date).days + 1
    short = meeting.get_absolute_url()
    old = f"/meetings/{meeting.slug}/"
    from meetings.sitemaps import IDS_PER_PAGE

    sitemap_page = f"/sitemap-meetings.xml?p={(meeting.pk - 1) // IDS_PER_PAGE + 1}"  # pages by id ranges
    for url in (sitemap_page, reverse("meetings:feed_meetings_rss"), reverse("meetings:calendar_meetings")):
        body = unescape(client.get(url).content.decode())
        assert short in body, url
        assert old not in body and quote(old) not in body, url
    found = page(client, reverse("search:search") + "?q=" + quote("مأرب"))
    assert f'href="{short}"' in found


# --- The recommendation's page --------------------------------------------------------------


def test_recommendation_page_leads_with_its_text(client, meeting):
    recommendation = meeting.recommendations.get()
    body = page(client, recommendation.get_absolute_url())
    headline = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S).group(1)
    assert text_of(headline).strip() == recommendation.text
    assert len(re.findall(r"<h1[\s>]", body)) == 1


# --- Names kept apart ---------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "separator"), [("ar", "، "), ("en", ", ")])
def test_organiser_names_are_separated_in_the_copied_text(client, language, separator):
    first = factories.organization("منظمة الأولى", name_en="First Organisation")
    second = factories.organization("منظمة الثانية", name_en="Second Organisation")
    shown = factories.meeting("لقاء منظمتين", published=True)
    factories.involvement(shown, first, MeetingOrganization.Role.ORGANISER)
    factories.involvement(shown, second, MeetingOrganization.Role.CO_ORGANISER)
    prefix = "" if language == "ar" else "/en"
    copied = text_of(page(client, f"{prefix}/meetings/"))
    with translation.override(language):
        names = [first.name, second.name]
    assert f"{names[0]}{separator}{names[1]}" in copied


def test_addressees_are_separated_in_the_copied_text(client, meeting):
    recommendation = meeting.recommendations.get()
    other = factories.organization("وزارة الشؤون القانونية")
    recommendation.addressees.add(other)
    names = [organization.name for organization in recommendation.addressees.all()]
    copied = text_of(page(client, meeting.get_absolute_url()))
    assert "، ".join(names) in copied


# --- Calendar subscription, favicon, team sign-in -----------------------------------------------


def test_meetings_list_links_to_the_calendar(client, meeting):
    body = page(client, reverse("meetings:meeting_list"))
    assert f'href="{reverse("meetings:calendar_meetings")}" type="text/calendar"' in body
    assert client.get(reverse("meetings:calendar_meetings"))["Content-Type"].startswith("text/calendar")


def test_governorate_page_links_to_its_calendar(client, meeting):
    governorate = meeting.governorate
    body = page(client, governorate.get_absolute_url())
    calendar = reverse("meetings:calendar_governorate", kwargs={"slug": governorate.slug})
    assert f'href="{calendar}" type="text/calendar"' in body
    assert client.get(calendar).status_code == 200


def test_every_page_links_a_favicon_that_exists(client):
    body = page(client, "/")
    for name in ("favicon.ico", "favicon.svg", "apple-touch-icon.png"):
        assert f'href="{static(name)}"' in body
        assert finders.find(name), name
    assert 'href="data:,"' not in body


def test_favicon_ico_at_the_root_leads_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.ico")
    assert Path(finders.find("favicon.ico")).read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_favicon_gets_a_hashed_name_for_whitenoise(tmp_path, settings):
    """Production stores static files under hashed names (CompressedManifestStaticFilesStorage)."""
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    settings.STATIC_ROOT = tmp_path
    storage = CompressedManifestStaticFilesStorage(location=tmp_path)
    source = Path(finders.find("favicon.ico"))
    storage.save("favicon.ico", source.open("rb"))
    list(storage.post_process({"favicon.ico": (storage, "favicon.ico")}))
    assert re.fullmatch(r"favicon\.[0-9a-f]{12}\.ico", storage.stored_name("favicon.ico"))


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_footer_links_the_team_to_its_sign_in(client, prefix):
    body = page(client, f"{prefix}/")
    with translation.override("ar" if not prefix else "en"):
        login = reverse("login")
    footer = body[body.index('<footer class="site-footer">') :]
    assert f'href="{login}"' in footer
    assert settings.LOGIN_REDIRECT_URL == "staff:dashboard"


def test_make_superuser_runs_without_questions_when_the_environment_says_who(tmp_path):
    root = Path(settings.BASE_DIR)
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SUPERUSER_USERNAME": "admin"}
    dry_run = subprocess.run(["make", "-n", "-s", "superuser"], cwd=root, env=env, capture_output=True, text=True)
    assert "createsuperuser --noinput" in dry_run.stdout
    env.pop("DJANGO_SUPERUSER_USERNAME")
    dry_run = subprocess.run(["make", "-n", "-s", "superuser"], cwd=root, env=env, capture_output=True, text=True)
    command = next(line for line in dry_run.stdout.splitlines() if "createsuperuser" in line)
    assert "--noinput" not in command


# --- Hijri dates --------------------------------------------------------------------------------


def test_hijri_year_and_era_never_part():
    with translation.override("ar"):
        assert hijri(datetime.date(2022, 11, 26)).endswith("1444\u00a0هـ")


def test_dhu_al_hijja_takes_the_genitive_after_the_day():
    with translation.override("ar"):
        assert hijri(datetime.date(2023, 6, 28)) == "10 ذي الحجة 1444\u00a0هـ"
        assert "ذي القعدة" in hijri(datetime.date(2023, 5, 25))
    with translation.override("en"):
        assert "Dhu" in hijri(datetime.date(2023, 6, 28))


# --- Direction of the text on English pages ---------------------------------------------------


def element(body, tag, marker):
    """The opening tag of the first ``tag`` element whose content starts with ``marker``."""
    match = re.search(rf"<{tag}\b([^>]*)>\s*{re.escape(marker)}", body)
    assert match, f"no <{tag}> with {marker!r}"
    return match.group(1)


def test_arabic_only_text_on_an_english_page_is_marked_as_arabic(client):
    shown = factories.full_meeting("لقاء بلا ترجمة إنجليزية")
    body = page(client, f"/en{shown.get_absolute_url()}")
    assert 'lang="ar" dir="rtl"' in element(body, "h1", "لقاء بلا ترجمة إنجليزية")
    assert 'lang="ar" dir="rtl"' in element(body, "div", "<p>لقاء تشاوري")  # the summary
    assert body.count('class="lang-note"') >= 3  # title, summary, minutes, recommendation
    assert "Arabic only" in body
    recommendation = shown.recommendations.get()
    assert 'lang="ar" dir="rtl"' in element(body, "p", recommendation.text_ar)


def test_english_text_is_not_marked_as_arabic(client, meeting):
    body = page(client, f"/en{meeting.get_absolute_url()}")
    attributes = element(body, "h1", meeting.title_en)
    assert 'dir="auto"' in attributes and "lang=" not in attributes
    assert '<h1 id="meeting-title" dir="auto">' in body


def test_arabic_pages_carry_no_arabic_only_note(client, meeting):
    body = page(client, meeting.get_absolute_url())
    assert "lang-note" not in body
    assert 'lang="ar" dir="rtl"' not in body.split("<html", 1)[1].split(">", 1)[1]


def test_a_post_in_arabic_beside_an_english_organisation_is_isolated(client):
    shown = factories.meeting("لقاء المدافعين", published=True, title_en="Defenders' meeting")
    organization = factories.organization("منظمة مساءلة لحقوق الإنسان", name_en="Musa'ala Organization for Human Rights")
    post = factories.position(factories.person(), title_ar="مدافعة عن حقوق الإنسان", organization=organization)
    factories.participation(shown, position_obj=post)
    body = page(client, f"/en{shown.get_absolute_url()}")
    assert '<bdi lang="ar" dir="rtl" title="Arabic only">مدافعة عن حقوق الإنسان</bdi> — <bdi>Musa&#x27;ala Organization for Human Rights</bdi>' in body


def test_organisation_names_are_isolated_in_every_line(client, meeting):
    organization = Organization.objects.filter(involvements__meeting=meeting).first()
    with translation.override("en"):
        name = organization.name
    body = page(client, f"/en{meeting.get_absolute_url()}")
    assert re.search(rf"<bdi[^>]*>{re.escape(name)}</bdi>", body)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('منظمة <script>alert("xss")</script>الأمل', "منظمة-الأمل"),
        ("<b>مشروع</b> <i>التمكين</i>", "مشروع-التمكين"),
        ("<style>body{}</style>", "item"),
    ],
)
def test_slugs_of_names_with_markup_keep_none_of_the_markup(name, expected):
    organisation = factories.organization(name)
    assert organisation.slug == expected
    assert "script" not in organisation.slug and "alert" not in organisation.slug
