"""The organisation filter's autocomplete in real Chromium (static/js/lookup.js): typing part
of a name fills the <datalist> from the look-up endpoint, a suggestion filters the list, and
without JavaScript a typed name still works. Native datalist popups cannot be inspected, so
the suggestions are read from the DOM.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from meetings.models import MeetingOrganization
from tests import factories

from .helpers import url_in


@pytest.fixture
def organisations(transactional_db):
    rights = factories.organization(
        "منظمة حقوق الإنسان", name_en="Human Rights Organisation", acronym_en="HRO",
        governorate=factories.governorate("marib"),
    )
    rural = factories.organization("مؤسسة التنمية الريفية", name_en="Rural Development Foundation")
    for organisation, title in [(rights, "لقاء حول حماية الحقوق"), (rural, "لقاء حول التنمية الريفية")]:
        meeting = factories.meeting(title, published=True)
        factories.involvement(meeting, organisation, MeetingOrganization.Role.ORGANISER)
        organisation.meeting = meeting
    return rights, rural


def watch_csp(page):
    """Console errors that mention the Content-Security-Policy (there must be none)."""
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text)
        if message.type == "error" and "Content Security Policy" in message.text
        else None,
    )
    return violations


def open_filters(page):
    panel = page.locator("details.filters")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    expect(panel.locator("button[type=submit]")).to_be_visible()


def card_titles(page):
    return [title.strip() for title in page.locator(".cards .card__title a").all_inner_texts()]


def test_typing_part_of_a_name_suggests_it_and_the_suggestion_filters_the_list(page, organisations):
    rights, rural = organisations
    violations = watch_csp(page)
    page.goto(url_in("ar", "meeting_list"))
    assert set(card_titles(page)) == {rights.meeting.title, rural.meeting.title}
    open_filters(page)

    box = page.locator("#id_organization")
    options = page.locator("#id_organization-suggestions option")
    expect(box).to_have_attribute("list", "id_organization-suggestions")
    expect(options).to_have_count(0)
    box.press_sequentially("حقوق الانس", delay=30)  # part of the name, without hamza
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", rights.name_ar)
    expect(options.first).to_have_attribute("label", f"{rights.name_ar} · مأرب")

    # Pick the suggestion (what choosing it in the popup does: the box takes its value).
    box.fill(options.first.get_attribute("value"))
    with page.expect_navigation():
        page.locator("details.filters button[type=submit]").click()

    assert card_titles(page) == [rights.meeting.title]
    chip = page.locator(".active-filters a.chip")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text(rights.name_ar)
    expect(page.locator("#id_organization")).to_have_value(rights.name_ar)
    # Only the filter that has a value went into the address (sanad.js disables the empty ones).
    address = urlsplit(page.url)
    assert address.path == "/meetings/" and parse_qs(address.query) == {"organization": [rights.name_ar]}
    assert violations == []


def test_english_suggestions_and_a_short_input(page, organisations):
    rights, _rural = organisations
    page.goto(url_in("en", "recommendation_list"))
    open_filters(page)
    box = page.locator("#id_addressee")
    options = page.locator("#id_addressee-suggestions option")
    box.press_sequentially("h", delay=30)
    page.wait_for_timeout(600)
    expect(options).to_have_count(0)  # one character: nothing asked
    box.press_sequentially("ro", delay=30)
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", "Human Rights Organisation")
    expect(options.first).to_have_attribute("label", "Human Rights Organisation · HRO · Marib")


def test_without_javascript_a_typed_name_still_filters(browser, live_server, organisations):
    rights, rural = organisations
    context = browser.new_context(base_url=live_server.url, locale="ar-YE", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url_in("ar", "meeting_list"))
        panel = page.locator("details.filters")
        if panel.get_attribute("open") is None:
            panel.locator("summary").click()
        page.locator("#id_organization").fill("مؤسسة التنميه الريفيه")
        with page.expect_navigation():
            page.locator("#id_organization").press("Enter")
        assert card_titles(page) == [rural.meeting.title]
        expect(page.locator("#id_organization")).to_have_value(rural.name_ar)
    finally:
        context.close()
