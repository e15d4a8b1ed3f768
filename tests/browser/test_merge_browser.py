"""Two people edit the same meeting in two browsers, in Arabic: the conflict page merges, and
both edits survive (meetings/merge.py)."""

import pytest

from meetings.models import Meeting, Membership
from tests import factories
from tests.browser.test_staff_browser import log_in, new_page, reference_data
from tests.staff_helpers import fast_passwords  # noqa: F401

pytestmark = [pytest.mark.usefixtures("fast_passwords")]


@pytest.mark.django_db(transaction=True)
def test_two_browsers_edit_one_meeting_and_both_edits_survive(browser, live_server):
    reference_data()
    organization = factories.organization("منظمة مساءلة لحقوق الإنسان")
    factories.staff(Membership.Role.EDITOR, organization, username="mona")
    factories.staff(Membership.Role.REVIEWER, organization, username="khaled")
    meeting = factories.meeting(
        "لقاء تشاوري في مأرب", summary_ar="ملخص قديم", minutes_ar="محضر قديم", governorate=None
    )
    factories.involvement(meeting, organization)
    edit_url = f"/staff/meetings/{meeting.pk}/edit/"

    mona, khaled = new_page(browser, live_server), new_page(browser, live_server)
    log_in(mona, "mona")
    log_in(khaled, "khaled")
    mona.goto(edit_url)
    khaled.goto(edit_url)
    assert mona.locator("html").get_attribute("dir") == "rtl"

    # Mona rewrites the summary and saves first.
    mona.fill("#id_summary_ar", "ملخص كتبته منى")
    mona.click("button[name=then][value=save]")
    mona.wait_for_url(f"**/staff/meetings/{meeting.pk}/")

    # Khaled, from the same version, completes the minutes and also touches the summary.
    khaled.fill("#id_minutes_ar", "محضر أكمله خالد")
    khaled.fill("#id_summary_ar", "ملخص كتبه خالد")
    khaled.click("button[name=then][value=save]")
    conflict = khaled.locator("#conflict")
    conflict.wait_for()
    text = conflict.inner_text()
    assert "ملخص كتبته منى" in text and "ملخص كتبه خالد" in text and "ملخص قديم" in text
    assert khaled.locator("#merge-minutes_ar").count() == 0  # only Khaled changed the minutes
    assert khaled.locator("input[name='resolve-summary_ar'][value=both]").is_checked()
    assert Meeting.objects.get(pk=meeting.pk).summary_ar == "ملخص كتبته منى"  # nothing saved yet

    # Submitted as shown: both summaries and Khaled's minutes are kept.
    khaled.click("button[name=then][value=save]")
    khaled.wait_for_url(f"**/staff/meetings/{meeting.pk}/")
    meeting.refresh_from_db()
    assert "ملخص كتبته منى" in meeting.summary_ar and "ملخص كتبه خالد" in meeting.summary_ar
    assert meeting.minutes_ar == "محضر أكمله خالد"
    assert meeting.version == 3
    for page in (mona, khaled):
        page.context.close()
