"""Bulk import in real Chromium and in Arabic: an editor goes from the dashboard to the import
page, downloads nothing but sends the template workbook (the Marib example), sees every row
and what it becomes, confirms, and lands on the result, which links the new draft meeting."""

import pytest

from imports.template_files import workbook_template
from meetings.models import Meeting, Membership
from tests import factories
from tests.browser.test_staff_browser import log_in, reference_data
from tests.staff_helpers import fast_passwords  # noqa: F401

pytestmark = [pytest.mark.usefixtures("fast_passwords")]


@pytest.mark.django_db(transaction=True)
def test_an_editor_uploads_a_workbook_previews_it_and_confirms(page, live_server):
    reference_data()
    musaala = factories.organization("منظمة مساءلة لحقوق الإنسان")
    factories.staff(Membership.Role.EDITOR, musaala, username="amal")

    log_in(page, "amal")
    page.click("a:has-text('استيراد اجتماعات')")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "استيراد اجتماعات"
    page.set_input_files(
        "#id_files",
        files=[{
            "name": "sanad-import.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": workbook_template(),
        }],
    )
    page.click("#import-send")
    page.wait_for_selector("#import-summary")
    assert "معاينة الاستيراد" in page.locator("h1").inner_text()
    assert "اجتماع جديد كمسودة، للمراجعة." in page.locator("#row-meetings-2").inner_text()
    assert "بانتظار التأكيد" in page.locator("#row-organizations-3").inner_text()
    assert Meeting.objects.count() == 0, "nothing is saved before the confirmation"

    page.click("#import-confirm")
    page.wait_for_selector("#import-created")
    meeting = Meeting.objects.get()
    assert meeting.status == Meeting.Status.DRAFT
    page.click(f"#import-created a[href='/staff/meetings/{meeting.pk}/']")
    page.wait_for_url(f"**/staff/meetings/{meeting.pk}/")
    assert "اللقاء التشاوري الموسع" in page.locator("h1").inner_text()
