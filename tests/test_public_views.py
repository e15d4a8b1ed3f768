"""The public portal's pages: what each shows, its filters, pagination, languages, meta and errors."""

import datetime
import gzip
import html
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from meetings.models import Meeting, MeetingOrganization, Organization, Recommendation
from meetings.templatetags.sanad import full_date, hijri
from sanad.middleware import HEADER as CSP_HEADER
from tests import factories
from tests.portal import PortalClient, link, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return PortalClient()

MARIB_DAY = datetime.date(2022, 11, 26)


def en(url):
    """The English address of an Arabic one."""
    return f"/en{url}"


@pytest.fixture
def marib():
    """The Marib consultative meeting of 26 November 2022, with everything a page can show."""
    return factories.full_meeting(
        "اللقاء التشاوري الموسع في مأرب", date=MARIB_DAY, title_en="Extended consultative meeting in Marib"
    )


@pytest.fixture
def taiz():
    return factories.full_meeting(
        "ورشة حماية المدافعين في تعز",
        date=datetime.date(2023, 2, 15),
        governorate=factories.governorate("taiz"),
        kind=Meeting.Kind.WORKSHOP,
    )


def all_page_urls(meeting):
    recommendation = meeting.recommendations.get()
    organization = meeting.involvements.first().organization
    return [
        reverse("meetings:home"),
        reverse("meetings:meeting_list"),
        meeting.get_absolute_url(),
        reverse("meetings:recommendation_list"),
        recommendation.get_absolute_url(),
        reverse("meetings:organization_list"),
        organization.get_absolute_url(),
        reverse("meetings:project_list"),
        meeting.project.get_absolute_url(),
        reverse("meetings:governorate_list"),
        meeting.governorate.get_absolute_url(),
        meeting.tags.get().get_absolute_url(),
    ]


# --- Every page, both languages -------------------------------------------------


def test_every_page_has_lang_and_dir_of_its_language(client, marib):
    for url in all_page_urls(marib):
        assert '<html lang="ar" dir="rtl">' in page(client, url), url
        assert '<html lang="en" dir="ltr">' in page(client, en(url)), url


def test_every_page_has_the_landmarks_and_a_skip_link(client, marib):
    for url in all_page_urls(marib):
        body = page(client, url)
        assert body.count("<main ") == 1 and "<header" in body and "<footer" in body, url
        assert 'href="#main"' in body and 'id="main"' in body, url
        assert body.count("<h1") == 1, url


def test_every_page_sends_the_content_security_policy_and_has_no_inline_script_or_style(client, marib):
    for url in all_page_urls(marib) + [en(u) for u in all_page_urls(marib)]:
        response = client.get(url)
        assert response["Content-Security-Policy"] == CSP_HEADER, url
        body = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url
        assert "<style" not in body and not re.search(r"\sstyle=", body), url


def test_no_page_asks_for_anything_from_another_host(client, marib):
    for url in all_page_urls(marib):
        body = page(client, url)
        for tag_source in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', body):
            assert not tag_source.startswith(("http://", "https://", "//")) or tag_source.startswith(
                "http://testserver/"
            ), (url, tag_source)


def test_the_meeting_page_weighs_under_60_kb_compressed_with_its_css_and_js(client, marib):
    body = client.get(marib.get_absolute_url()).content
    assets = [
        Path(settings.BASE_DIR, "static", path.removeprefix(settings.STATIC_URL)).read_bytes()
        for path in re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())
    ]
    assert len(assets) >= 2  # the stylesheet and the script
    assert sum(len(gzip.compress(part)) for part in [body, *assets]) <= 60 * 1024


# --- Home ----------------------------------------------------------------------


def test_home_shows_latest_meetings_counts_and_the_recommendation_summary(client, marib, taiz):
    body = page(client, reverse("meetings:home"))
    assert body.index(taiz.title) < body.index(marib.title)  # newest first
    assert re.search(r'stats__number">2<', body)  # two meetings, two recommendations, two governorates
    assert re.search(r'stats__number">6<', body)  # organiser, partner and funder of each
    assert "status-chip--in-progress" in body
    in_progress = Recommendation.Status.IN_PROGRESS
    assert f"{reverse('meetings:recommendation_list')}?status={in_progress.value}" in body


def test_home_without_meetings_says_so(client):
    body = page(client, reverse("meetings:home"))
    assert gettext("No meeting has been published yet.") in body


# --- Meetings list: filters ------------------------------------------------------------


def test_meeting_list_is_newest_first(client, marib, taiz):
    body = page(client, reverse("meetings:meeting_list"))
    assert body.index(taiz.title) < body.index(marib.title)


@pytest.mark.parametrize(
    "param, value_of",
    [
        ("governorate", lambda m: m.governorate.slug),
        ("project", lambda m: m.project.slug),
        ("organization", lambda m: m.involvements.get(role="organiser").organization.slug),
        ("organization", lambda m: m.involvements.get(role="funder").organization.slug),
        ("kind", lambda m: m.kind),
        ("tag", lambda m: m.tags.get().slug),
    ],
)
def test_each_meeting_filter_narrows_the_list(client, marib, taiz, param, value_of):
    body = page(client, reverse("meetings:meeting_list"), **{param: value_of(taiz)})
    assert taiz.title in body and marib.title not in body


def test_organisation_filter_includes_meetings_where_it_was_only_represented_by_a_speaker(client, marib, taiz):
    represented = factories.organization()
    factories.participation(marib, position_obj=factories.position(), organization=represented)
    body = page(client, reverse("meetings:meeting_list"), organization=represented.slug)
    assert marib.title in body and taiz.title not in body


def test_stakeholder_group_filter_narrows_the_list(client, marib, taiz):
    taiz.stakeholder_groups.add(factories.stakeholder_group("youth"))
    body = page(client, reverse("meetings:meeting_list"), group="youth")
    assert taiz.title in body and marib.title not in body


@pytest.mark.parametrize(
    "params, shown",
    [
        ({"date_from": "2023-01-01"}, "taiz"),
        ({"date_to": "2022-12-31"}, "marib"),
        ({"date_from": "2022-11-26", "date_to": "2022-11-26"}, "marib"),
    ],
)
def test_date_range_narrows_the_list(client, marib, taiz, params, shown):
    body = page(client, reverse("meetings:meeting_list"), **params)
    expected, other = (taiz, marib) if shown == "taiz" else (marib, taiz)
    assert expected.title in body and other.title not in body


def test_active_filters_are_listed_each_with_a_link_that_removes_it(client, marib, taiz):
    url = reverse("meetings:meeting_list")
    body = page(client, url, governorate="taiz", kind="workshop")
    chips = dict(
        (html.unescape(href), label)
        for href, label in re.findall(r'<a class="chip" href="([^"]+)"><span class="chip__label">([^<]+)', body)
    )
    assert set(chips) == {"?kind=workshop", "?governorate=taiz"}
    without_kind = page(client, url + "?governorate=taiz")
    assert taiz.title in without_kind


@pytest.mark.parametrize(
    "params",
    [
        {"governorate": "atlantis"},
        {"project": "no-such-project"},
        {"group": "x" * 500},
        {"kind": "party"},
        {"tag": "not-a-tag"},
        {"date_from": "2022-13-45"},
        {"date_to": "yesterday"},
        {"date_from": "99999-01-01"},
    ],
)
def test_an_invalid_meeting_filter_gives_a_message_in_arabic_not_an_error(client, marib, params):
    response = client.get(reverse("meetings:meeting_list"), params)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="notice notice--error" role="alert"' in body
    assert "انتق خياراً صحيحاً" in body or "أدخل تاريخاً صحيحاً" in body
    assert marib.title in body  # the bad filter is ignored, the list still shows


def test_a_reversed_date_range_is_explained(client, marib):
    body = page(client, reverse("meetings:meeting_list"), date_from="2023-01-01", date_to="2022-01-01")
    assert gettext("The end date must not be before the start date.") in body


def test_valid_filters_still_apply_beside_an_invalid_one(client, marib, taiz):
    body = page(client, reverse("meetings:meeting_list"), governorate="taiz", kind="party")
    assert "notice--error" in body
    assert taiz.title in body and marib.title not in body


def test_an_invalid_filter_gives_an_english_message_on_the_english_page(client, marib):
    body = page(client, en(reverse("meetings:meeting_list")), date_from="nonsense")
    assert "Enter a valid date." in body


def test_empty_meeting_list_says_so(client, marib):
    body = page(client, reverse("meetings:meeting_list"), governorate="socotra")
    assert 'class="empty"' in body and marib.title not in body
    assert gettext("No published meeting matches these filters.") in body


# --- Meetings list: keyset pagination: tests/test_pagination.py --------------------------


# --- Meeting page ---------------------------------------------------------------------


def test_meeting_page_shows_every_fact_of_the_record(client, marib):
    body = page(client, marib.get_absolute_url())
    recommendation = marib.recommendations.get()
    public_speaker, protected_speaker = marib.participations.all()
    for fact in [
        marib.title,
        "السبت 26 نوفمبر 2022 — 2 جمادى الأولى 1444\u00a0هـ",
        "10:00–12:30",
        "مأرب",
        marib.city,
        marib.venue,
        marib.project.name,
        "الجهات الأمنية",
        "منظمات المجتمع المدني",
        ">40 ",
        ">12 ",
        ">28 ",
        public_speaker.person.name,
        public_speaker.position.title,
        public_speaker.statement,
        protected_speaker.position.title,
        protected_speaker.statement,
        marib.minutes,
        recommendation.text,
        'class="badge badge--in-progress"',
        'value="40"',
        f"#{marib.tags.get().name}",
        marib.source_url,
        recommendation.get_absolute_url(),
    ]:
        assert str(fact) in body, fact
    for involvement in marib.involvements.all():
        assert involvement.organization.name in body


def test_meeting_page_names_each_organisation_under_its_role(client, marib):
    body = page(client, marib.get_absolute_url())
    for role, heading in [("organiser", "Organised by"), ("partner", "In partnership with"), ("funder", "Funded by")]:
        organization = marib.involvements.get(role=role).organization
        section = re.search(rf"<dt>{re.escape(gettext(heading))}</dt>(.*?)</dd>", body, re.S).group(1)
        assert organization.name in section


def test_meeting_page_links_the_meeting_it_follows_and_those_that_follow_it(client, marib, taiz):
    follow_up = factories.meeting(
        "اجتماع المتابعة الأول", published=True, date=datetime.date(2023, 5, 1), follows=marib
    )
    body = page(client, marib.get_absolute_url())
    assert follow_up.get_absolute_url() in body
    assert marib.get_absolute_url() in page(client, follow_up.get_absolute_url())


def test_meeting_page_without_time_or_recommendations(client):
    plain = factories.meeting("اجتماع بلا توصيات", published=True)
    body = page(client, plain.get_absolute_url())
    assert gettext("No recommendation was recorded for this meeting.") in body
    assert "meeting__time" not in body


def share_meta(body):
    return dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', body))


def test_meeting_page_has_share_meta_with_an_absolute_url(client, marib):
    body = page(client, marib.get_absolute_url())
    meta = share_meta(body)
    assert meta["og:title"] == marib.title
    assert meta["og:description"] == marib.summary
    assert meta["og:type"] == "article"
    assert meta["og:url"] == f"http://testserver{marib.get_absolute_url()}"
    assert meta["og:locale"] == "ar_AR"
    assert meta["twitter:card"] == "summary"
    english = share_meta(page(client, en(marib.get_absolute_url())))
    assert english["og:title"] == "Extended consultative meeting in Marib"
    assert english["og:url"] == f"http://testserver{en(marib.get_absolute_url())}"
    assert english["og:locale"] == "en_GB"


def test_share_url_uses_site_url_when_set(client, marib, settings):
    settings.SITE_URL = "https://sanad.example"
    body = page(client, marib.get_absolute_url())
    assert f'property="og:url" content="https://sanad.example{marib.get_absolute_url()}"' in body


def test_meeting_page_has_a_print_stylesheet(client, marib):
    body = page(client, marib.get_absolute_url())
    stylesheet = re.search(r'<link rel="stylesheet" href="/static/([^"]+)"', body).group(1)
    css = Path(settings.BASE_DIR, "static", stylesheet).read_text()
    print_rules = css[css.index("@media print") :]
    assert ".site-header" in print_rules and "display: none" in print_rules and "attr(href)" in print_rules


# --- Dates ---------------------------------------------------------------------------


def test_hijri_date_of_26_november_2022_in_both_languages():
    with translation.override("ar"):
        assert hijri(MARIB_DAY) == "2 جمادى الأولى 1444\u00a0هـ"
        assert full_date(MARIB_DAY) == "السبت 26 نوفمبر 2022 — 2 جمادى الأولى 1444\u00a0هـ"
    with translation.override("en"):
        assert hijri(MARIB_DAY) == "2 Jumada al-Ula 1444\u00a0AH"
        assert full_date(MARIB_DAY) == "Saturday 26 November 2022 — 2 Jumada al-Ula 1444\u00a0AH"


def test_meeting_page_shows_both_calendars_in_each_language(client, marib):
    assert "السبت 26 نوفمبر 2022 — 2 جمادى الأولى 1444\u00a0هـ" in page(client, marib.get_absolute_url())
    assert "Saturday 26 November 2022 — 2 Jumada al-Ula 1444\u00a0AH" in page(client, en(marib.get_absolute_url()))


def test_a_date_outside_the_hijri_calendar_range_shows_the_gregorian_date_only():
    with translation.override("en"):
        assert full_date(datetime.date(1900, 1, 6)) == "Saturday 6 January 1900"


# --- Language switch ---------------------------------------------------------------


def switcher_link(body):
    return html.unescape(re.search(r'<ul class="language-switcher"[^>]*>\s*<li><a href="([^"]+)"', body).group(1))


def test_language_switch_keeps_the_reader_on_the_same_record(client, marib):
    arabic = marib.get_absolute_url()
    assert switcher_link(page(client, arabic)) == en(arabic)
    assert switcher_link(page(client, en(arabic))) == arabic


def test_language_switch_on_every_page_points_to_the_same_page(client, marib):
    for url in all_page_urls(marib):
        assert switcher_link(page(client, url)) == en(url)
        assert switcher_link(page(client, en(url))) == url


def test_language_switch_keeps_the_filters(client, marib):
    body = page(client, reverse("meetings:meeting_list"), governorate="marib")
    assert switcher_link(body) == en(reverse("meetings:meeting_list")) + "?governorate=marib"


def test_pages_declare_their_other_language_versions(client, marib):
    body = page(client, marib.get_absolute_url())
    assert f'hreflang="en" href="http://testserver{en(marib.get_absolute_url())}"' in body
    assert f'hreflang="ar" href="http://testserver{marib.get_absolute_url()}"' in body


# --- Recommendations ------------------------------------------------------------------


@pytest.mark.parametrize(
    "param, value_of",
    [
        ("theme", lambda r: r.theme.slug),
        ("addressee", lambda r: r.addressees.get().slug),
        ("governorate", lambda r: r.meeting.governorate.slug),
        ("project", lambda r: r.meeting.project.slug),
    ],
)
def test_each_recommendation_filter_narrows_the_list(client, marib, taiz, param, value_of):
    wanted, other = taiz.recommendations.get(), marib.recommendations.get()
    body = page(client, reverse("meetings:recommendation_list"), **{param: value_of(wanted)})
    assert wanted.text in body and other.text not in body


def test_recommendation_status_and_kind_filters_narrow_the_list(client, marib, taiz):
    commitment = factories.recommendation(marib, "التزام بإنشاء آلية تنسيق", kind=Recommendation.Kind.COMMITMENT)
    taiz.recommendations.get().set_status(Recommendation.Status.IMPLEMENTED, on=datetime.date(2023, 6, 1))
    implemented = page(client, reverse("meetings:recommendation_list"), status="implemented")
    assert taiz.recommendations.get().text in implemented and commitment.text not in implemented
    commitments = page(client, reverse("meetings:recommendation_list"), kind="commitment")
    assert commitment.text in commitments and taiz.recommendations.get().text not in commitments


def status_counts(body):
    return {
        status: int(count)
        for status, count in re.findall(
            r'status-chip--([\w-]+)"[^>]*>.*?status-chip__count"><bdi>(\d+)</bdi>', body, re.S
        )
    }


def test_status_summary_counts_under_the_other_filters_but_not_the_status_filter(client, marib, taiz):
    factories.recommendation(marib, "توصية مقترحة ثانية")
    url = reverse("meetings:recommendation_list")
    assert status_counts(page(client, url))["in-progress"] == 2
    assert status_counts(page(client, url))["proposed"] == 1
    in_marib = status_counts(page(client, url, governorate="marib"))
    assert in_marib["in-progress"] == 1 and in_marib["proposed"] == 1
    # Choosing a status keeps the other counts visible, so the reader can switch.
    assert status_counts(page(client, url, governorate="marib", status="proposed")) == in_marib


def test_status_summary_links_keep_the_other_filters(client, marib):
    body = page(client, reverse("meetings:recommendation_list"), governorate="marib")
    assert "?governorate=marib&amp;status=implemented" in body


@pytest.mark.parametrize(
    "params", [{"status": "done"}, {"theme": "nothing"}, {"kind": "wish"}, {"project": "?"}]
)
def test_an_invalid_recommendation_filter_gives_a_message_not_an_error(client, marib, params):
    response = client.get(reverse("meetings:recommendation_list"), params)
    assert response.status_code == 200
    body = response.content.decode()
    assert "انتق خياراً صحيحاً" in body and marib.recommendations.get().text in body


def test_recommendation_list_paginates(client):
    meeting = factories.meeting("اجتماع كثير التوصيات", published=True)
    for i in range(25):
        factories.recommendation(meeting, f"توصية متسلسلة {i:03d}")
    first = page(client, reverse("meetings:recommendation_list"))
    assert re.findall(r"توصية متسلسلة \d{3}", first) == [f"توصية متسلسلة {i:03d}" for i in range(20)]
    second = page(client, reverse("meetings:recommendation_list") + link(first, "next"))
    assert re.findall(r"توصية متسلسلة \d{3}", second) == [f"توصية متسلسلة {i:03d}" for i in range(20, 25)]


def test_recommendation_page_shows_its_follow_up_timeline(client, marib, taiz):
    recommendation = marib.recommendations.get()
    recommendation.set_status(
        Recommendation.Status.PARTIAL,
        progress=70,
        note="أنشئت لجنة تنسيق مشتركة.",
        on=datetime.date(2023, 3, 1),
        evidence_url="https://example.org/evidence/7",
        meeting=taiz,
    )
    body = page(client, recommendation.get_absolute_url())
    assert recommendation.text in body and marib.title in body
    assert body.index("بدأ التنفيذ.") < body.index("أنشئت لجنة تنسيق مشتركة.")  # oldest first
    assert "https://example.org/evidence/7" in body
    assert taiz.get_absolute_url() in body
    assert 'value="70"' in body and "badge--partial" in body
    assert recommendation.addressees.get().name in body


def test_recommendation_page_without_follow_up_says_so(client, marib):
    recommendation = factories.recommendation(marib, "توصية بلا متابعة")
    body = page(client, recommendation.get_absolute_url())
    assert gettext("No follow-up has been recorded yet.") in body


# --- Organisations, projects, governorates, tags -------------------------------------------


def test_organisation_list_groups_by_kind_with_counts(client, marib, taiz):
    authority = factories.organization("السلطة المحلية بمأرب", kind=Organization.Kind.LOCAL_AUTHORITY)
    factories.involvement(marib, authority, MeetingOrganization.Role.PARTICIPANT)
    factories.involvement(taiz, authority, MeetingOrganization.Role.PARTICIPANT)
    body = page(client, en(reverse("meetings:organization_list")))
    assert "Local authority" in body
    entry = re.search(rf"{authority.name_en}<.*?directory__meta\">(.*?)</span>", body, re.S).group(1)
    assert "2 meetings" in entry and "0 recommendations addressed" in entry


def test_organisation_page_shows_its_meetings_roles_projects_and_recommendations(client, marib, taiz):
    partner = marib.involvements.get(role="partner").organization
    factories.involvement(taiz, partner, MeetingOrganization.Role.FUNDER)
    marib.project.implementers.add(partner)
    body = page(client, partner.get_absolute_url())
    assert marib.title in body and taiz.title in body
    for role in (MeetingOrganization.Role.PARTNER, MeetingOrganization.Role.FUNDER):
        assert f'<span class="role">{role.label}</span>' in body  # beside each meeting, in its card
    assert marib.project.name in body
    assert marib.recommendations.get().text in body  # addressed to the partner
    assert "status-chip--in-progress" in body
    assert f"{reverse('meetings:recommendation_list')}?addressee={quote(partner.slug)}" in body


def test_organisation_page_links_to_its_full_meeting_list_when_it_has_many(client):
    organization = factories.organization()
    for i in range(12):
        meeting = factories.meeting(f"اجتماع المنظمة {i:02d}", published=True, date=datetime.date(2023, 1, 1 + i))
        factories.involvement(meeting, organization)
    body = page(client, organization.get_absolute_url())
    assert len(re.findall(r"اجتماع المنظمة \d\d", body)) == 10
    assert f"{reverse('meetings:meeting_list')}?organization=" in body


def test_project_list_and_page(client, marib, taiz):
    donor = factories.organization("المانح الدولي")
    marib.project.donors.add(donor)
    listing = page(client, reverse("meetings:project_list"))
    assert marib.project.name in listing and taiz.project.name in listing and donor.name in listing
    body = page(client, marib.project.get_absolute_url())
    assert marib.title in body and taiz.title not in body and donor.name in body
    assert marib.recommendations.get().text in body


def test_governorate_list_shows_every_governorate_with_its_count(client, marib):
    body = page(client, reverse("meetings:governorate_list"))
    assert body.count('<li class="is-empty">') == 21  # all but Marib have no meeting
    assert "مأرب" in body and "أرخبيل سقطرى" in body


def test_governorate_page_shows_its_meetings_recommendations_and_organisations(client, marib, taiz):
    local = factories.organization("منظمة محلية في مأرب", governorate=factories.governorate("marib"))
    factories.involvement(marib, local, MeetingOrganization.Role.PARTICIPANT)
    body = page(client, marib.governorate.get_absolute_url())
    assert marib.title in body and taiz.title not in body
    assert marib.recommendations.get().text in body and local.name in body


def test_governorate_without_meetings_has_a_page_that_says_so(client):
    body = page(client, reverse("meetings:governorate_detail", kwargs={"slug": "socotra"}))
    assert gettext("No published meeting.") in body


def test_tag_page_lists_its_meetings(client, marib, taiz):
    shared = factories.tag("مشروع_ساند")
    marib.tags.add(shared)
    body = page(client, shared.get_absolute_url())
    assert "#مشروع_ساند" in body and marib.title in body and taiz.title not in body


# --- Errors ------------------------------------------------------------------------


def test_404_page_in_arabic_and_in_english(client):
    with translation.override("ar"):
        arabic_title = gettext("Page not found")
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in body and arabic_title in body
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="en" dir="ltr">' in body and "Page not found" in body
    assert response["Content-Security-Policy"] == CSP_HEADER


def test_404_language_switch_goes_to_the_other_home_page(client):
    assert switcher_link(client.get("/no-such-page/").content.decode()) == "/en/"
    assert switcher_link(client.get("/en/no-such-page/").content.decode()) == "/"


@pytest.mark.urls("tests.failing_urls")
def test_500_page_in_arabic_and_in_english():
    client = PortalClient(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    with translation.override("ar"):
        assert gettext("Something went wrong on our side") in body
    response = client.get("/en/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="en" dir="ltr">' in body and "Something went wrong on our side" in body
    assert response["Content-Security-Policy"] == CSP_HEADER
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body) and not re.search(r"\sstyle=", body)


def test_only_get_and_head_are_allowed(client, marib):
    assert client.post(reverse("meetings:meeting_list")).status_code == 405
    assert client.head(marib.get_absolute_url()).status_code == 200


def test_the_admin_keeps_scripts_strict_and_allows_inline_styles_only_there(client):
    policy = client.get("/admin/login/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self' 'unsafe-inline'" in policy
    assert "'unsafe-inline'" not in client.get(reverse("meetings:home"))["Content-Security-Policy"]


@pytest.mark.parametrize("value", ["", "b", "c", None, "unknown"])
def test_the_filter_menus_render_exactly_what_djangos_select_renders(value):
    """The filter panels' Select is written out in Python for speed; its HTML must not change."""
    from django import forms
    from django.test.html import parse_html

    from meetings.filters import Select

    choices = [("", "الكل"), ("a", "أ & <b>\"'"), ("b", "ب"), ("مجموعة", [("c", "ج"), ("d", "د")])]
    attrs = {"id": "id_x", "class": "y", "data-x": 'a"b'}
    expected = forms.Select(choices=choices, attrs=attrs).render("x", value)
    assert parse_html(Select(choices=choices, attrs=attrs).render("x", value)) == parse_html(expected)
