"""The public portal in real Chromium, in Arabic first and in English, read from the demo data
(meetings/demo.py: the Marib meeting of 26 November 2022 from /work/shared/samples/, and
invented meetings around it).

The demo is loaded once for the whole module and every test only reads it: loading it takes
seconds (more on PostgreSQL), and the live server needs the data committed. This module
therefore replaces pytest-django's ``transactional_db`` — which would flush the database
after every test — by a fixture that only opens database access; the module empties the
database before loading and again when it is done. A test added here must not write.
"""

import csv
import re
from urllib.parse import unquote, urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import expect

from meetings.demo import MEETINGS, load_demo, meeting_slug
from meetings.models import Governorate, Meeting, Organization, Person, Recommendation, Tag

from .helpers import (
    SERIOUS,
    Traffic,
    absolute_url_in,
    axe_violations,
    describe_violations,
    reset_database,
    url_in,
)

# A minute or more: scheduled first (tests/conftest.py).
pytestmark = pytest.mark.long

LANGUAGES = ("ar", "en")
PHONE = {"width": 390, "height": 844}
# The page, its styles, scripts and fonts, gzip-compressed: what a phone on a weak
# connection downloads before it can show a meeting.
PAGE_WEIGHT_BUDGET = 60 * 1024

MARIB = next(data for data in MEETINGS if data["key"] == "marib-security-csos-defenders")
# The two officials the sample names, with the posts it gives them.
MARIB_OFFICIALS = [
    ("عبدربه حليس", "مدير عام المعلومات والإحصاء بديوان عام المحافظة"),
    ("عبدربه جديع", "مدير عام مكتب حقوق الإنسان"),
]
PUBLISHED = [data for data in MEETINGS if data["status"] == Meeting.Status.PUBLISHED]


def final_status(recommendation):
    """A demo recommendation's status once its follow-up timeline has been recorded."""
    updates = sorted(recommendation.get("updates", []), key=lambda update: update[0])
    return updates[-1][1] if updates else Recommendation.Status.PROPOSED


PUBLISHED_RECOMMENDATIONS = [(rec, final_status(rec)) for data in PUBLISHED for rec in data["recommendations"]]


# --- Fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo, loaded once and committed, for every test of this module."""
    with django_db_blocker.unblock():
        reset_database()
        load_demo()
        yield
        reset_database()


@pytest.fixture
def transactional_db(demo_site, django_db_blocker):
    """Stands in for pytest-django's fixture, which live_server requests: database access
    for the test and the server, without the flush after each test (see the module's docstring)."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def marib(transactional_db):
    return Meeting.objects.get(slug=meeting_slug(MARIB))


@pytest.fixture
def new_page(browser, live_server):
    """Pages in contexts of one's own (a phone, no JavaScript), closed after the test."""
    contexts = []

    def make(**options):
        options = {"base_url": live_server.url, "locale": "ar-YE", **options}
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def pages(demo_site, django_db_blocker):
    """``pages[language][kind]``: the address of every kind of public page in each language."""
    with django_db_blocker.unblock():
        return {language: portal_pages(language) for language in LANGUAGES}


def portal_pages(language):
    """Every kind of public page, as the address of one demo example in ``language``."""
    marib = Meeting.objects.get(slug=meeting_slug(MARIB))
    # The recommendation with the longest follow-up timeline: the richest detail page.
    recommendation = max(Recommendation.objects.published(), key=lambda rec: (rec.updates.count(), -rec.pk))
    musaala = Organization.objects.get(name_ar="منظمة مساءلة لحقوق الإنسان")
    return {
        "home": url_in(language, "home"),
        "meeting_list": url_in(language, "meeting_list"),
        "meeting_list_filtered": url_in(language, "meeting_list") + "?governorate=marib&kind=consultative",
        "meeting_detail": absolute_url_in(language, marib),
        "recommendation_list": url_in(language, "recommendation_list"),
        "recommendation_list_filtered": url_in(language, "recommendation_list") + "?status=implemented",
        "recommendation_detail": absolute_url_in(language, recommendation),
        "organization_list": url_in(language, "organization_list"),
        "organization_detail": absolute_url_in(language, musaala),
        "project_list": url_in(language, "project_list"),
        "project_detail": absolute_url_in(language, marib.project),
        "governorate_list": url_in(language, "governorate_list"),
        "governorate_detail": absolute_url_in(language, Governorate.objects.get(slug="marib")),
        "tag_detail": absolute_url_in(language, Tag.objects.get(name_ar="مأرب")),
        "search": url_in(language, "search") + ("?q=مأرب" if language == "ar" else "?q=Marib"),
        "open_data": url_in(language, "open_data"),
        "not_found": url_in(language, "home") + "no-such-page/",
    }


def path_of(url):
    return unquote(urlsplit(url).path)


def card_titles(page):
    return [title.strip() for title in page.locator(".cards .card__title a").all_inner_texts()]


def open_filters(page):
    """Unfold the filter panel if it is folded (sanad.js opens it on wide screens)."""
    panel = page.locator("details.filters")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    expect(panel.locator("button[type=submit]")).to_be_visible()


def submit_filters(page):
    with page.expect_navigation():
        page.locator("details.filters button[type=submit]").click()


def chip(page, field_id):
    """The active-filter chip of a form field, found by the field's own label."""
    label = page.locator(f"label[for={field_id}]").inner_text().strip()
    return page.locator(".active-filters a.chip").filter(has=page.locator(".chip__label", has_text=label))


# --- The Marib meeting ------------------------------------------------------------------


def test_marib_meeting_is_arabic_and_right_to_left(page, marib):
    page.goto(absolute_url_in("ar", marib))
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    expect(page.locator("h1")).to_have_text(MARIB["title"][0])


def test_marib_meeting_shows_its_gregorian_and_hijri_dates(page, marib):
    page.goto(absolute_url_in("ar", marib))
    header_date = page.locator(".meeting__when time[datetime='2022-11-26']")
    expect(header_date).to_contain_text("26 نوفمبر 2022")
    expect(header_date).to_contain_text("2 جمادى الأولى 1444")
    facts_date = page.locator(".facts dd").filter(has=page.locator("time[datetime='2022-11-26']"))
    expect(facts_date).to_contain_text("السبت 26 نوفمبر 2022")
    expect(facts_date).to_contain_text("2 جمادى الأولى 1444")


def test_marib_meeting_names_both_officials_with_their_posts(page, marib):
    page.goto(absolute_url_in("ar", marib))
    speakers = page.locator(".speakers .speaker__who")
    expect(speakers).to_have_count(len(MARIB_OFFICIALS))
    for (name, post), speaker in zip(MARIB_OFFICIALS, speakers.all()):
        expect(speaker.locator("strong")).to_have_text(name)
        expect(speaker.locator(".post")).to_contain_text(post)


def test_marib_meeting_lists_its_recommendations_with_status_badges(page, marib):
    page.goto(absolute_url_in("ar", marib))
    items = page.locator(".meeting-recommendations > li")
    expect(items).to_have_count(len(MARIB["recommendations"]))
    with translation.override("ar"):
        proposed = str(Recommendation.Status.PROPOSED.label)
    for data, item in zip(MARIB["recommendations"], items.all()):
        expect(item.locator(".recommendation__text")).to_have_text(data["text"][0])
        badge = item.locator(".badge")
        expect(badge).to_have_text(proposed)
        expect(badge).to_have_class(re.compile(r"\bbadge--proposed\b"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_protected_people_are_never_named_on_meeting_pages(page, marib, language):
    """Nor in the page's text, title, meta tags or markup: only their post or organisation."""
    protected = list(Person.objects.filter(visibility=Person.Visibility.PROTECTED))
    assert protected, "the demo has protected people"
    names = {name for person in protected for name in (person.name_ar, person.name_en) if name}
    # "سلمى (اسم مستعار)" is also "سلمى" alone.
    given_names = {name.split(" (")[0] for name in names}
    meetings = [marib, *Meeting.objects.published().filter(participations__person__in=protected).distinct()]
    assert len(meetings) > 1, "some published demo meetings have protected participants"
    for meeting in meetings:
        page.goto(absolute_url_in(language, meeting))
        markup = page.content()
        text = page.locator("body").inner_text()
        metas = " ".join(page.locator("head meta[content]").evaluate_all("els => els.map(e => e.content)"))
        for name in names:
            assert name not in markup, f"{name!r} appears in the markup of {meeting.slug}"
        for name in given_names:
            pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
            for where, content in (("text", text), ("title", page.title()), ("meta tags", metas)):
                assert not pattern.search(content), f"{name!r} appears in the {where} of {meeting.slug}"
        # They took part all the same: shown by the post or organisation they represented.
        with translation.override(language):
            for participation in meeting.participations.filter(person__in=protected):
                shown_as = str(participation.position or participation.organization)
                assert shown_as in text, f"{shown_as!r} missing from {meeting.slug}"


# --- Languages --------------------------------------------------------------------------


def test_language_switcher_keeps_the_same_meeting(page, marib):
    page.goto(absolute_url_in("ar", marib))
    with page.expect_navigation():
        page.locator(".language-switcher a[hreflang=en]").click()
    assert path_of(page.url) == f"/en/meetings/{marib.pk}/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    expect(page.locator("h1")).to_have_text(MARIB["title"][1])

    with page.expect_navigation():
        page.locator(".language-switcher a[hreflang=ar]").click()
    assert path_of(page.url) == f"/meetings/{marib.pk}/"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    expect(page.locator("h1")).to_have_text(MARIB["title"][0])


# --- Filters ----------------------------------------------------------------------------


def test_meeting_filters_narrow_the_list_and_their_chips_undo_them(page, transactional_db):
    all_titles = {data["title"][0] for data in PUBLISHED}
    in_marib = {data["title"][0] for data in PUBLISHED if data["governorate"] == "marib"}
    from_25_november = {
        data["title"][0] for data in PUBLISHED if data["governorate"] == "marib" and str(data["date"]) >= "2022-11-25"
    }
    assert len(all_titles) > len(in_marib) > len(from_25_november) > 0

    page.goto(url_in("ar", "meeting_list"))
    assert set(card_titles(page)) == all_titles
    expect(page.locator(".active-filters")).to_have_count(0)

    open_filters(page)
    page.select_option("#id_governorate", "marib")
    page.fill("#id_date_from", "2022-11-25")
    submit_filters(page)
    assert set(card_titles(page)) == from_25_november
    expect(page.locator(".active-filters a.chip:not(.chip--clear)")).to_have_count(2)
    expect(chip(page, "id_governorate")).to_contain_text("مأرب")
    expect(chip(page, "id_date_from")).to_contain_text("2022")

    with page.expect_navigation():
        chip(page, "id_date_from").click()
    assert set(card_titles(page)) == in_marib
    expect(page.locator(".active-filters a.chip:not(.chip--clear)")).to_have_count(1)
    expect(page.locator("#id_date_from")).to_have_value("")
    expect(page.locator("#id_governorate")).to_have_value("marib")

    with page.expect_navigation():
        chip(page, "id_governorate").click()
    assert set(card_titles(page)) == all_titles
    expect(page.locator(".active-filters")).to_have_count(0)


def test_meeting_kind_filter_combines_with_the_governorate(page, transactional_db):
    taiz = [data for data in PUBLISHED if data["governorate"] == "taiz"]
    in_taiz = {data["title"][0] for data in taiz}
    workshops_in_taiz = {data["title"][0] for data in taiz if data["kind"] == Meeting.Kind.WORKSHOP}
    assert len(in_taiz) > len(workshops_in_taiz) > 0

    page.goto(url_in("ar", "meeting_list") + "?governorate=taiz")
    assert set(card_titles(page)) == in_taiz
    open_filters(page)
    page.select_option("#id_kind", Meeting.Kind.WORKSHOP.value)
    submit_filters(page)
    assert set(card_titles(page)) == workshops_in_taiz
    with translation.override("ar"):
        expect(chip(page, "id_kind")).to_contain_text(str(Meeting.Kind.WORKSHOP.label))
    with page.expect_navigation():
        chip(page, "id_kind").click()
    assert set(card_titles(page)) == in_taiz


def test_recommendation_status_filter_narrows_the_list(page, transactional_db):
    status = Recommendation.Status.IMPLEMENTED
    all_texts = {rec["text"][0] for rec, _status in PUBLISHED_RECOMMENDATIONS}
    implemented = {rec["text"][0] for rec, rec_status in PUBLISHED_RECOMMENDATIONS if rec_status == status}
    assert len(all_texts) > len(implemented) > 0

    page.goto(url_in("ar", "recommendation_list"))
    texts = page.locator(".cards .recommendation__text a")
    assert set(map(str.strip, texts.all_inner_texts())) == all_texts

    open_filters(page)
    page.select_option("#id_status", status.value)
    submit_filters(page)
    assert set(map(str.strip, texts.all_inner_texts())) == implemented
    badges = page.locator(".cards .badge")
    expect(badges).to_have_count(len(implemented))
    for badge in badges.all():
        expect(badge).to_have_class(re.compile(r"\bbadge--implemented\b"))
    with translation.override("ar"):
        expect(chip(page, "id_status")).to_contain_text(str(status.label))
    expect(page.locator(".status-chip[aria-current]")).to_have_class(re.compile(r"status-chip--implemented"))

    with page.expect_navigation():
        chip(page, "id_status").click()
    assert set(map(str.strip, texts.all_inner_texts())) == all_texts
    expect(page.locator(".active-filters")).to_have_count(0)


# --- Keyboard ---------------------------------------------------------------------------


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, transactional_db):
    page.goto(url_in("ar", "home"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('a.skip-link')")
    box = page.locator(".skip-link").bounding_box()
    viewport = page.viewport_size
    assert 0 <= box["y"] < viewport["height"] and 0 <= box["x"] < viewport["width"], "shown when focused"

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert urlsplit(page.url).fragment == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)"), (
        "the next Tab continues inside the main content, past the header and navigation"
    )


# What Tab may stop at on a public page.
TAB_STOPS = "a[href], button, input:not([type=hidden]), select, summary"
FOCUS_STYLE = """el => {
  const s = getComputedStyle(el);
  return {outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
          outlineColor: s.outlineColor, boxShadow: s.boxShadow, html: el.outerHTML.slice(0, 120)};
}"""


def transparent(colour):
    return colour == "transparent" or bool(re.fullmatch(r"rgba\(.*,\s*0\)", colour))


def visible_focus_indicator(focused, unfocused):
    """An outline one can see, or a box shadow that only focus adds."""
    outline = focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 1 and not transparent(
        focused["outlineColor"]
    )
    shadow = focused["boxShadow"] not in ("none", unfocused["boxShadow"])
    return outline or shadow


@pytest.mark.parametrize("language", LANGUAGES)
def test_keyboard_focus_is_visible_on_every_stop(page, marib, language):
    """Tab through the meeting page's first stops: each one's outline or shadow changes visibly."""
    page.goto(absolute_url_in(language, marib))
    stops = page.locator(TAB_STOPS)
    unfocused = [stops.nth(i).evaluate(FOCUS_STYLE) for i in range(stops.count())]
    seen_links = 0
    for _ in range(25):
        page.keyboard.press("Tab")
        index = page.evaluate(
            "stops => Array.from(document.querySelectorAll(stops)).indexOf(document.activeElement)", TAB_STOPS
        )
        assert index >= 0, "focus went to an element that is not a link or a control"
        focused = stops.nth(index).evaluate(FOCUS_STYLE)
        assert visible_focus_indicator(focused, unfocused[index]), (
            f"no visible focus on {focused['html']}: {focused} (unfocused: {unfocused[index]})"
        )
        seen_links += page.evaluate("document.activeElement.tagName === 'A'")
    assert seen_links >= 15


# --- Accessibility audit ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_has_no_serious_accessibility_violations(page, pages, language):
    """axe-core in the browser on one page of each kind; lesser findings are printed, not failed."""
    serious, lesser = {}, {}
    for kind, url in pages[language].items():
        response = page.goto(url)
        assert response.status == (404 if kind == "not_found" else 200), url
        assert page.locator("html").get_attribute("lang") == language
        violations = axe_violations(page, impacts=None)
        label = f"{kind} {unquote(url)}"
        serious[label] = [v for v in violations if v["impact"] in SERIOUS]
        lesser[label] = [v for v in violations if v["impact"] not in SERIOUS]
    for label, violations in lesser.items():
        if violations:
            print(f"\naxe-core, minor or moderate, on {label}:\n{describe_violations(violations)}")
    report = "\n".join(f"{label}:\n{describe_violations(v)}" for label, v in serious.items() if v)
    assert not report, f"serious or critical axe-core violations ({language}):\n{report}"


def test_axe_checks_the_contrast_of_arabic_text(page, marib):
    """The audit can fail on an Arabic page: pale Arabic text is a colour-contrast violation."""
    page.goto(absolute_url_in("ar", marib))
    assert not [v for v in axe_violations(page, impacts=None) if v["id"] == "color-contrast"]
    # Set through the CSSOM, which the Content-Security-Policy allows (a <style> it would not).
    page.locator(".meeting__header .eyebrow").evaluate("element => { element.style.color = '#c8c8c8'; }")
    contrast = [v for v in axe_violations(page) if v["id"] == "color-contrast"]
    assert contrast, "axe-core did not check the contrast of Arabic text"
    with translation.override("ar"):
        kind = str(Meeting.Kind.CONSULTATIVE.label)
    assert any(kind in node["html"] for node in contrast[0]["nodes"]), describe_violations(contrast)


# --- Page weight ------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["home", "meeting_detail"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_page_weight_stays_within_budget(page, live_server, pages, language, which):
    """Everything comes from the site itself, and HTML + CSS + JS + fonts gzip to ≤ 60 KB."""
    url = pages[language][which]
    traffic = Traffic().listen(page)
    page.goto(url, wait_until="networkidle")
    assert traffic.foreign_requests(live_server.url) == []

    sizes = traffic.gzipped_sizes()
    kinds = {kind for _url, kind, _size in sizes}
    assert {"document", "stylesheet", "script"} <= kinds, f"counted only {kinds}"
    total = sum(size for _url, _kind, size in sizes)
    print(f"\npage weight {language} {which}: {total} bytes gzipped")
    for resource, kind, size in sizes:
        print(f"  {size:>7} {kind:<10} {unquote(urlsplit(resource).path)[:80]}")
    assert total <= PAGE_WEIGHT_BUDGET, f"{unquote(url)} weighs {total} bytes gzipped (budget {PAGE_WEIGHT_BUDGET})"


# --- Print ------------------------------------------------------------------------------


def test_meeting_prints_as_clean_minutes(page, marib):
    page.goto(absolute_url_in("ar", marib))
    chrome = [".site-header", ".site-nav", ".language-switcher", ".site-search", ".breadcrumbs", ".site-footer"]
    for selector in chrome:
        expect(page.locator(selector).first).to_be_visible()
    expect(page.locator(".print-only")).to_be_hidden()

    page.emulate_media(media="print")
    for selector in chrome:
        expect(page.locator(selector).first).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("section[aria-labelledby=minutes-title] .prose")).to_be_visible()
    expect(page.locator(".meeting-recommendations")).to_be_visible()
    expect(page.locator(".print-only")).to_be_visible()


def test_meeting_list_prints_without_its_filters(page, transactional_db):
    page.goto(url_in("ar", "meeting_list") + "?governorate=marib")
    expect(page.locator("details.filters")).to_be_visible()
    expect(page.locator(".active-filters")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("details.filters")).to_be_hidden()
    expect(page.locator(".active-filters")).to_be_hidden()
    expect(page.locator(".site-search")).to_be_hidden()
    expect(page.locator(".cards").first).to_be_visible()


# --- A phone ----------------------------------------------------------------------------

# The innermost elements whose content is wider than they are: where to look first.
OVERFLOWING = """() => {
  const wide = Array.from(document.querySelectorAll("body *")).filter(element =>
    element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1
    && getComputedStyle(element).overflowX === "visible");
  return wide.filter(element => !wide.some(other => other !== element && element.contains(other)))
    .slice(0, 8).map(element => element.outerHTML.slice(0, 150));
}"""


@pytest.mark.parametrize("which", ["home", "meeting_detail"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_horizontal_scroll_on_a_phone(new_page, pages, language, which):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3)
    page.goto(pages[language][which])
    scroll_width, client_width = page.evaluate(
        "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert client_width == PHONE["width"]
    assert scroll_width <= client_width, f"{scroll_width}px wide; overflowing: {page.evaluate(OVERFLOWING)}"


# --- Without JavaScript -----------------------------------------------------------------


def test_portal_works_without_javascript(new_page, marib):
    page = new_page(java_script_enabled=False)
    page.goto(url_in("ar", "home"))
    with page.expect_navigation():
        page.locator(f".site-nav a[href='{url_in('ar', 'meeting_list')}']").click()
    assert set(card_titles(page)) == {data["title"][0] for data in PUBLISHED}

    # sanad.js would have unfolded the panel on this wide screen: it did not run.
    panel = page.locator("details.filters")
    assert panel.get_attribute("open") is None
    panel.locator("summary").click()
    page.select_option("#id_governorate", "marib")
    page.select_option("#id_kind", Meeting.Kind.CONSULTATIVE.value)
    submit_filters(page)
    assert "governorate=marib" in page.url and "kind=consultative" in page.url
    assert set(card_titles(page)) == {
        data["title"][0]
        for data in PUBLISHED
        if data["governorate"] == "marib" and data["kind"] == Meeting.Kind.CONSULTATIVE
    }
    expect(page.locator(".active-filters a.chip:not(.chip--clear)")).to_have_count(2)

    with page.expect_navigation():
        page.locator(".cards .card__title a", has_text=MARIB["title"][0]).click()
    assert path_of(page.url) == f"/meetings/{marib.pk}/"
    expect(page.locator("h1")).to_have_text(MARIB["title"][0])
    expect(page.locator(".meeting-recommendations > li")).to_have_count(len(MARIB["recommendations"]))


def test_a_busy_download_says_why_in_arabic_and_the_same_link_downloads_once_a_slot_is_free(
    page, transactional_db, settings, tmp_path
):
    """A reader who clicks "CSV" while every download slot is taken reads why, right to left,
    with the way to the whole dataset; the same link, once a slot is free, downloads the file."""
    from meetings.exports.limits import take_slot

    settings.EXPORT_SLOTS_DIR = tmp_path / "slots"
    settings.EXPORT_CONCURRENCY = 1
    settings.EXPORT_SLOT_ROWS = 1
    held = take_slot()
    try:
        page.goto("/meetings/")
        page.locator(".export-links a", has_text="CSV").click()
        expect(page.locator("h1")).to_have_text("تعذّر تنزيل القائمة")
        expect(page.locator("[role=alert]")).to_contain_text("تنزيلات كبيرة أخرى قيد الإعداد الآن")
        assert page.evaluate("getComputedStyle(document.querySelector('[role=alert]')).direction") == "rtl"
        expect(page.locator("a", has_text="مجموعة البيانات كاملة")).to_have_attribute("href", "/open-data/")
    finally:
        held.release()
    page.go_back()
    with page.expect_download() as download:
        page.locator(".export-links a", has_text="CSV").click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        cells = {cell for row in csv.reader(file) for cell in row}
    assert {meeting["title"][0] for meeting in PUBLISHED} <= cells
