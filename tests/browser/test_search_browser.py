"""Search in real Chromium, in Arabic, over the demo data: the box on every page, the
results with their highlighted words, the kinds' tabs, the filters, and "did you mean".

Like test_portal_browser.py, the demo is loaded once for the module and the tests only read.
"""

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import expect

from meetings.demo import MEETINGS, load_demo, meeting_slug
from meetings.models import Meeting
from search.normalization import normalize, query_terms, stems

from .helpers import axe_violations, describe_violations, reset_database, url_in

MARIB = next(data for data in MEETINGS if data["key"] == "marib-security-csos-defenders")


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        reset_database()
        load_demo()
        yield
        reset_database()


@pytest.fixture
def transactional_db(demo_site, django_db_blocker):
    """Database access for the test and the live server, without a flush after each test."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def marib(transactional_db):
    return Meeting.objects.get(slug=meeting_slug(MARIB))


def search_from_the_header(page, query):
    box = page.locator("form[role=search] #site-search-q")
    box.fill(query)
    with page.expect_navigation():
        box.press("Enter")


def hit_paths(page):
    links = page.locator(".search-hit .card__title a, .search-hit__text a")
    return [unquote(urlsplit(href).path) for href in links.evaluate_all("links => links.map(a => a.href)")]


def test_the_header_box_finds_the_marib_meeting_whatever_the_hamza(page, marib):
    page.goto(url_in("ar", "meeting_list"))
    search_from_the_header(page, "حقوق الانسان")  # typed without hamza
    assert unquote(urlsplit(page.url).path) == "/search/"
    assert parse_qs(urlsplit(page.url).query)["q"] == ["حقوق الانسان"]
    with translation.override("ar"):
        expect(page.locator(f'.search-hit a[href="{marib.get_absolute_url()}"]').first).to_be_visible()
    marks = page.locator(".search-hit mark")
    expect(marks.first).to_be_visible()
    # Every mark holds one of the query's words as the record writes it (hamza, clitics and all).
    wanted = {stem for term in query_terms("حقوق الانسان") for stem in term.stems}
    marked = marks.all_inner_texts()
    assert all(not wanted.isdisjoint(stems(normalize(text))) for text in marked), marked
    assert any("إ" in text for text in marked), marked  # «الإنسان» in the sample, not as typed
    expect(page.locator("#id_q")).to_have_value("حقوق الانسان")


def test_the_kind_tabs_and_a_filter_narrow_the_results(page, transactional_db):
    page.goto(url_in("ar", "search") + "?q=الأمنية")
    everything = hit_paths(page)
    assert any(path.startswith("/meetings/") for path in everything)
    assert any(path.startswith("/recommendations/") for path in everything)

    with page.expect_navigation():
        page.locator('.search-kinds a[href*="kind=meetings"]').click()
    expect(page.locator('.search-kinds a[aria-current="page"]')).to_have_attribute("href", re.compile("kind=meetings"))
    meetings_only = hit_paths(page)
    assert meetings_only and all(path.startswith("/meetings/") for path in meetings_only)

    panel = page.locator("details.filters")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    page.select_option("#id_governorate", "marib")
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
    in_marib = hit_paths(page)
    assert in_marib and set(in_marib) <= set(meetings_only)
    assert parse_qs(urlsplit(page.url).query)["kind"] == ["meetings"]
    expect(page.locator(".active-filters a.chip:not(.chip--clear)")).to_have_count(1)


def test_a_misspelling_is_offered_a_spelling_that_finds_records(page, transactional_db):
    page.goto(url_in("ar", "search") + "?q=الانسانيا")
    expect(page.locator(".empty[role=status]")).to_be_visible()
    suggestion = page.locator(".search-suggestion a")
    # A word as written in the records (the search app offers written words, not derived forms).
    expect(suggestion).to_have_text(re.compile(r"^الانسان"))
    with page.expect_navigation():
        suggestion.click()
    expect(page.locator(".search-hit").first).to_be_visible()


def test_search_works_without_javascript(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, locale="ar-YE", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url_in("ar", "home"))
        search_from_the_header(page, "مأرب")
        expect(page.locator(".search-hit").first).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("query", ["مأرب", "كلمةلاتوجد", "ُ ّ"], ids=["results", "nothing-found", "nothing-to-search"])
def test_the_search_page_has_no_serious_accessibility_violations(page, transactional_db, query):
    page.goto(url_in("ar", "search") + f"?q={query}")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
