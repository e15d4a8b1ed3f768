"""The meeting form's page in real Chromium (issue 11): section links and the save bar at
1366 px and 390 px in both directions, the warning before leaving, the draft kept on the
device, the question about a future date, date boxes that follow the page and not the
browser's language, and the reviewer's preview through which publication goes."""

import datetime
import re

import pytest
from django.utils import timezone

from meetings.models import Meeting, Membership
from tests import factories
from tests.browser.conftest import CHROMIUM  # noqa: F401
from tests.browser.test_staff_browser import log_in, pick, reference_data
from tests.staff_helpers import PASSWORD, fast_passwords  # noqa: F401

pytestmark = [pytest.mark.usefixtures("fast_passwords"), pytest.mark.long]

NEW = "/staff/meetings/new/"
SAVED = re.compile(r".*/staff/meetings/\d+/$")  # a saved meeting's page ("*" would match "new" too)
DRAFT_KEYS = "() => Object.keys(localStorage).filter(k => k.startsWith('sanad-draft:'))"


def team():
    reference_data()
    organization = factories.organization("منظمة مساءلة لحقوق الإنسان", name_en="Musa'ala")
    factories.staff(Membership.Role.EDITOR, organization, username="mona")
    factories.staff(Membership.Role.REVIEWER, organization, username="khaled")
    return organization


def context_page(browser, live_server, *, locale="ar-YE", width=1366, height=768):
    # Reduced motion: sanad.css then jumps to an anchor instead of scrolling smoothly, so positions can be read at once.
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": width, "height": height}, reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def organise(page):
    pick(page, "#id_organizations-0-organization", "منظمة مساءلة لحقوق الإنسان")
    page.select_option("#id_organizations-0-role", value="organiser")


def type_into(page, selector, text):
    """Real key presses: the browser counts them as the user's own (needed for the leave warning)."""
    page.click(selector)
    page.keyboard.type(text)


# --- Section links and the save bar -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
@pytest.mark.parametrize("path, direction", [(NEW, "rtl"), ("/en" + NEW, "ltr")])
def test_section_links_and_the_save_bar_stay_within_reach(browser, live_server, width, height, path, direction):
    team()
    page = context_page(browser, live_server, width=width, height=height)
    log_in(page, "mona")
    page.goto(path)
    assert page.locator("html").get_attribute("dir") == direction

    # Nothing sticks out sideways, at either width.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The save bar sits at the bottom of the window from the start, with both buttons.
    bar = page.locator("#save-bar").bounding_box()
    assert abs(bar["y"] + bar["height"] - height) <= 2
    assert page.locator("#save-bar button[value=save]").is_visible()
    assert page.locator("#save-bar button[value=submit]").is_visible()

    # A section link takes there, its heading clear of the links held at the top.
    page.click("#entry-nav a[href='#section-recommendations']")
    page.wait_for_function("() => location.hash === '#section-recommendations'")
    page.wait_for_timeout(100)
    nav = page.locator("#entry-nav").bounding_box()
    heading = page.locator("#section-recommendations-title").bounding_box()
    assert abs(nav["y"]) <= 1, "the section links stay at the top while the form scrolls"
    assert nav["y"] + nav["height"] <= heading["y"] + 1 and heading["y"] < height
    bar = page.locator("#save-bar").bounding_box()
    assert abs(bar["y"] + bar["height"] - height) <= 2

    # The counts follow what is typed.
    count = page.locator("[data-section-link=recommendations] [data-row-count]")
    assert count.inner_text() == "0"
    page.fill("#id_recommendations-0-text_ar", "تطوير المنظمات المحلية الحقوقية لقدراتها")
    assert count.inner_text() == "1"
    page.context.close()


# --- Leaving with unsaved changes ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_leaving_with_unsaved_changes_asks_first_but_saving_does_not(page):
    team()
    log_in(page, "mona")
    page.goto(NEW)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # "stay on the page"

    page.on("dialog", answer)
    # An untouched form leaves without a question.
    page.click(".workspace-nav a[href='/staff/']")
    page.wait_for_url("**/staff/")
    assert dialogs == []

    page.goto(NEW)
    type_into(page, "#id_title_ar", "لقاء تشاوري في مأرب")
    page.click(".workspace-nav a[href='/staff/']")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(NEW)

    # Saving is not leaving: no question, and the draft is saved.
    page.fill("#id_date", "26/11/2022")
    organise(page)
    page.click("#save-bar button[value=save]")
    page.wait_for_url(SAVED)
    assert dialogs == ["beforeunload"]
    assert Meeting.objects.get().title_ar == "لقاء تشاوري في مأرب"


# --- The draft kept on this device --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_unsaved_draft_is_restored_on_return_and_gone_after_logging_out(page):
    team()
    log_in(page, "mona")
    page.on("dialog", lambda dialog: dialog.accept())  # leave when asked
    page.goto(NEW)
    type_into(page, "#id_title_ar", "لقاء لم يُحفظ بعد")
    page.fill("#id_summary_ar", "ملخص كتبته منى")
    # A fifth recommendation: two rows more than the page starts with.
    page.click("[data-formset=recommendations] [data-add-row]")
    page.click("[data-formset=recommendations] [data-add-row]")
    page.fill("#id_recommendations-4-text_ar", "التوصية الخامسة")
    page.wait_for_function(
        f"() => ({DRAFT_KEYS})().length === 1 && localStorage.getItem(({DRAFT_KEYS})()[0]).includes('التوصية الخامسة')"
    )
    key = page.evaluate(DRAFT_KEYS)[0]
    assert key.startswith("sanad-draft:") and key.endswith(":new")

    page.goto("/staff/")
    page.goto(NEW)
    banner = page.locator("#draft-restored")
    assert banner.is_visible()
    assert "استُعيدت مسودة غير محفوظة من" in banner.inner_text()
    assert page.locator("#draft-restored time").inner_text().strip()
    assert page.input_value("#id_title_ar") == "لقاء لم يُحفظ بعد"
    assert page.input_value("#id_summary_ar") == "ملخص كتبته منى"
    assert page.input_value("#id_recommendations-4-text_ar") == "التوصية الخامسة"
    assert page.input_value("#id_recommendations-TOTAL_FORMS") == "5"

    # Discarding it gives back an empty form, and nothing is kept.
    page.click("#draft-restored [data-draft-discard]")
    page.wait_for_load_state("load")
    page.wait_for_selector("#id_title_ar")
    assert page.input_value("#id_title_ar") == ""
    assert page.evaluate(DRAFT_KEYS) == []
    assert not page.locator("#draft-restored").count()

    # Another draft, then logging out: nothing of it stays on the shared computer.
    type_into(page, "#id_title_ar", "مسودة أخرى")
    page.wait_for_function(f"() => ({DRAFT_KEYS})().length === 1")
    page.click(".workspace-nav__account button[type=submit]")
    page.wait_for_load_state("load")
    assert page.evaluate(DRAFT_KEYS) == []
    assert not Meeting.objects.exists(), "a draft on the device is never saved, let alone published"


@pytest.mark.django_db(transaction=True)
def test_a_draft_never_reaches_another_user_of_the_same_browser(page):
    team()
    log_in(page, "mona")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(NEW)
    type_into(page, "#id_title_ar", "مسودة منى")
    page.wait_for_function(f"() => ({DRAFT_KEYS})().length === 1")
    # Mona's session ends without logging out (a closed tab, an expired session)...
    page.context.clear_cookies()
    # ...and Khaled signs in on the same browser.
    log_in(page, "khaled")
    assert page.evaluate(DRAFT_KEYS) == []
    page.goto(NEW)
    assert page.input_value("#id_title_ar") == ""
    assert not page.locator("#draft-restored").count()


# --- A date in the future -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_future_date_is_questioned_as_it_is_typed_and_saved_only_when_confirmed(page):
    team()
    log_in(page, "mona")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(NEW)
    future = timezone.localdate() + datetime.timedelta(days=120)
    question = page.locator("#future-date")
    assert question.is_hidden()
    page.fill("#id_title_ar", "لقاء مقبل")
    organise(page)
    page.fill("#id_date", future.strftime("%d/%m/%Y"))
    assert question.is_visible()
    page.fill("#id_date", "26/11/2022")
    assert question.is_hidden()

    # Saved without confirming: the server asks, nothing is saved.
    page.fill("#id_date", future.strftime("%d/%m/%Y"))
    page.click("#save-bar button[value=save]")
    page.wait_for_load_state("load")
    assert not Meeting.objects.exists()
    assert page.locator("#error-summary").is_visible()
    assert page.locator("#future-date").is_visible()

    page.check("#id_confirm_future_date")
    page.click("#save-bar button[value=save]")
    page.wait_for_url(SAVED)
    meeting = Meeting.objects.get()
    assert meeting.date == future and meeting.status == "draft"
    assert page.locator("#planned-badge").is_visible()


# --- Dates follow the page's language, not the browser's -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_english_browser_on_the_arabic_page_gets_arabic_date_boxes(browser, live_server):
    team()
    page = context_page(browser, live_server, locale="en-US")
    log_in(page, "mona")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(NEW)
    assert page.evaluate("navigator.language") == "en-US"
    date = page.locator("#id_date")
    assert date.get_attribute("type") == "text"
    assert date.get_attribute("placeholder") == "يوم/شهر/سنة"
    due = page.locator("#id_recommendations-0-due_date")
    assert due.get_attribute("type") == "text" and due.get_attribute("placeholder") == "يوم/شهر/سنة"

    page.fill("#id_title_ar", "لقاء تشاوري في مأرب")
    organise(page)
    page.fill("#id_date", "11/26/2022")  # the American order is refused, in Arabic
    page.click("#save-bar button[value=save]")
    page.wait_for_load_state("load")
    assert "اكتب التاريخ بصيغة يوم/شهر/سنة" in page.locator("#error-summary").inner_text()
    assert not Meeting.objects.exists()

    page.fill("#id_date", "٢٦/١١/٢٠٢٢")  # Arabic-Indic digits are read as well
    page.click("#save-bar button[value=save]")
    page.wait_for_url(SAVED)
    assert Meeting.objects.get().date == datetime.date(2022, 11, 26)
    page.goto(f"/staff/meetings/{Meeting.objects.get().pk}/edit/")
    assert page.input_value("#id_date") == "26/11/2022"
    page.context.close()


# --- The reviewer's preview ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_reviewer_previews_the_public_page_and_publishes_from_it(page):
    organization = team()
    meeting = factories.meeting("لقاء للمعاينة في مأرب", status="review", summary_ar="ملخص اللقاء")
    factories.involvement(meeting, organization)
    protected = factories.person("سعاد المحمية", public=False)
    factories.participation(meeting, protected, factories.position(protected, "ناشطة حقوقية"))
    log_in(page, "khaled")
    page.goto(f"/staff/meetings/{meeting.pk}/")
    page.click("#preview-link")
    page.wait_for_url(f"**/staff/meetings/{meeting.pk}/preview/")
    assert page.locator("#preview-band").is_visible()
    assert page.locator("meta[name=robots]").get_attribute("content") == "noindex, nofollow"
    body = page.locator("main").inner_text()
    assert "لقاء للمعاينة في مأرب" in body and "ناشطة حقوقية" in body
    assert "سعاد المحمية" not in body
    page.click("#publish-button")
    page.wait_for_url(f"**/staff/meetings/{meeting.pk}/")
    assert page.locator(".status").get_attribute("data-status") == "published"


# --- Accessibility of the new page parts ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_form_page_and_the_preview_have_no_serious_accessibility_violations(page):
    from tests.browser.helpers import axe_violations, describe_violations

    organization = team()
    meeting = factories.meeting("لقاء للمعاينة في مأرب", status="review", date=timezone.localdate() + datetime.timedelta(days=30))
    factories.involvement(meeting, organization)
    log_in(page, "khaled")
    for address in [NEW, f"/staff/meetings/{meeting.pk}/edit/", f"/staff/meetings/{meeting.pk}/preview/", "/staff/"]:
        page.goto(address)
        if address == NEW:
            page.fill("#id_date", (timezone.localdate() + datetime.timedelta(days=30)).strftime("%d/%m/%Y"))
            assert page.locator("#future-date").is_visible()
        violations = axe_violations(page)
        assert not violations, f"{address}: {describe_violations(violations)}"
