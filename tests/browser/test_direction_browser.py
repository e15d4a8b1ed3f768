"""Text of either direction on an English page, in real Chromium: Arabic shown for want of an
English translation is laid out right to left and labelled, English stays left to right, and a
line mixing the two keeps each part in its own order (issue 11)."""

import pytest
from playwright.sync_api import expect

from meetings.models import MeetingOrganization
from tests import factories

from .helpers import axe_violations, describe_violations


@pytest.fixture
def mixed_meeting(transactional_db):
    meeting = factories.full_meeting("لقاء بلا ترجمة إنجليزية")
    organization = factories.organization("منظمة مساءلة لحقوق الإنسان", name_en="Musa'ala Organization for Human Rights")
    factories.involvement(meeting, organization, MeetingOrganization.Role.CO_ORGANISER)
    post = factories.position(factories.person(), title_ar="مدافعة عن حقوق الإنسان", organization=organization)
    factories.participation(meeting, position_obj=post)
    return meeting


def direction(locator):
    return locator.evaluate("element => getComputedStyle(element).direction")


def test_arabic_only_text_is_right_to_left_and_labelled_on_the_english_page(page, live_server, mixed_meeting):
    page.goto(f"/en{mixed_meeting.get_absolute_url()}")
    assert page.locator("html").get_attribute("dir") == "ltr"

    title = page.locator("h1#meeting-title")
    expect(title).to_have_attribute("lang", "ar")
    assert direction(title) == "rtl"
    expect(page.locator(".meeting__header .lang-note")).to_have_text("Arabic only")
    expect(page.locator(".meeting__header .lang-note")).to_be_visible()

    # «post — organisation»: the Arabic post right to left, the English organisation left to right.
    post = page.locator(".speaker__who bdi", has_text="مدافعة عن حقوق الإنسان")
    organization = page.locator(".speaker__who bdi", has_text="Musa'ala Organization for Human Rights")
    assert direction(post) == "rtl" and direction(organization) == "ltr"
    # Isolated, the Arabic post comes first on the line, before the dash and the English name.
    post_box, organization_box = post.bounding_box(), organization.bounding_box()
    assert post_box["x"] < organization_box["x"]

    for arabic in page.locator("main [lang=ar]").all():
        assert direction(arabic) == "rtl"

    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
