"""The meeting form's pickers and named rows in real Chromium: the keyboard, rows added by the
button, and the same form without JavaScript (plain menus that still work)."""

import pytest

from meetings.models import Meeting, MeetingOrganization, Membership
from tests import factories
from tests.browser.test_staff_browser import log_in, reference_data
from tests.staff_helpers import fast_passwords, media_root  # noqa: F401

pytestmark = [pytest.mark.usefixtures("fast_passwords", "media_root")]


def setup():
    reference_data()
    musaala = factories.organization("منظمة مساءلة لحقوق الإنسان")
    police = factories.organization("شرطة محافظة مأرب")
    factories.involvement(factories.meeting(published=True), police, MeetingOrganization.Role.PARTNER)
    factories.staff(Membership.Role.EDITOR, musaala, username="mona")
    return musaala, police


@pytest.mark.django_db(transaction=True)
def test_the_keyboard_chooses_an_organisation_and_added_rows_are_named_and_enhanced(browser, live_server):
    musaala, police = setup()
    context = browser.new_context(base_url=live_server.url, locale="ar-YE")
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "mona")
    page.goto("/staff/meetings/new/")

    box = page.locator("#id_organizations-0-organization-combobox")
    assert box.get_attribute("role") == "combobox"
    # The label now names the box.
    assert page.locator("label[for='id_organizations-0-organization-combobox']").count() == 1
    box.fill("شرطة")
    page.locator("#id_organizations-0-organization-combobox-list [role=option]").first.wait_for()
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "id_organizations-0-organization-combobox-list-0"
    box.press("Enter")
    assert page.locator("#id_organizations-0-organization").input_value() == str(police.pk)
    assert box.input_value() == "شرطة محافظة مأرب" and box.get_attribute("aria-expanded") == "false"
    box.fill("مساءلة")
    page.locator("#id_organizations-0-organization-combobox-list [role=option]").first.wait_for()
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"

    # "Add a recommendation": the new row is named and its addressee picker works.
    section = page.locator("[data-formset=recommendations]")
    button = section.locator("[data-add-row]")
    assert button.inner_text().strip() == "أضِف توصية"
    rows = section.locator("[data-row]").count()
    button.click()
    legend = section.locator("[data-row] legend").nth(rows)
    assert legend.inner_text().strip() == f"التوصية {rows + 1}"
    new_box = page.locator(f"#id_recommendations-{rows}-addressees-combobox")
    new_box.fill("شرطة")
    page.locator(f"#id_recommendations-{rows}-addressees-combobox-list [role=option]", has_text="شرطة محافظة مأرب").click()
    chip = page.locator(f"#field-id_recommendations-{rows}-addressees .picker__chips li")
    assert chip.count() == 1 and "شرطة محافظة مأرب" in chip.inner_text()
    page.locator(f"#field-id_recommendations-{rows}-addressees .picker__remove").click()
    assert chip.count() == 0
    assert page.locator(f"#id_recommendations-{rows}-addressees option:checked").count() == 0
    context.close()


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_menus_stay_and_the_form_saves(browser, live_server):
    musaala, police = setup()
    context = browser.new_context(base_url=live_server.url, locale="ar-YE", java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "mona")
    page.goto("/staff/meetings/new/")
    assert page.locator("[data-formset=recommendations] [data-row] legend").first.inner_text().strip() == "التوصية 1"
    assert page.locator(".picker").count() == 0
    menu = page.locator("#id_organizations-0-organization")
    assert menu.is_visible()
    assert menu.locator("option").first.inner_text().strip() == "— اختر جهة —"
    page.fill("#id_title_ar", "لقاء أُدخل دون جافاسكربت")
    page.select_option("#id_governorate", label="مأرب")
    menu.select_option(label="منظمة مساءلة لحقوق الإنسان")
    page.select_option("#id_organizations-0-role", value="organiser")
    page.fill("#id_organizations-1-new_organization", "شرطة محافظة مأرب")  # a known name, typed: chosen, not created
    page.select_option("#id_organizations-1-role", value="partner")
    page.fill("#id_recommendations-0-text_ar", "تعزيز التنسيق بين الجهات الأمنية والمنظمات")
    page.select_option("#id_recommendations-0-addressees", label=["شرطة محافظة مأرب"])
    date = page.locator("#id_date")
    date.fill("2022-11-26" if date.get_attribute("type") == "date" else "26/11/2022")
    page.click("button[name=then][value=save]")
    page.wait_for_url("**/staff/meetings/*/")
    meeting = Meeting.objects.get(title_ar="لقاء أُدخل دون جافاسكربت")
    assert {i.organization for i in meeting.involvements.all()} == {musaala, police}
    assert list(meeting.recommendations.get().addressees.all()) == [police]
    context.close()
