"""Follow-up waits for a reviewer, in real Chromium and in Arabic: an editor of an organisation
that a recommendation is addressed to records progress with a public evidence file; the
public site shows nothing of it; a reviewer of the organisation that held the meeting
approves it from the dashboard; then the note and the file are public."""

import pytest

from meetings.models import Membership, Recommendation, RecommendationUpdate
from tests import factories
from tests.browser.test_staff_browser import log_in, new_page, reference_data
from tests.staff_helpers import fast_passwords, media_root, pdf_bytes  # noqa: F401

pytestmark = [pytest.mark.usefixtures("fast_passwords", "media_root")]

NOTE = "شكلت اللجنة المشتركة للتنسيق وعقدت اجتماعها الأول"
FILE_TITLE = "محضر اللجنة المشتركة"


@pytest.mark.django_db(transaction=True)
def test_an_addressees_follow_up_is_public_only_after_a_reviewer_approves_it(page, browser, live_server):
    reference_data()
    musaala = factories.organization("منظمة مساءلة لحقوق الإنسان")
    police = factories.organization("شرطة محافظة مأرب")
    meeting = factories.meeting("اللقاء التشاوري بين الجهات الأمنية ومنظمات المجتمع المدني في مأرب")
    factories.involvement(meeting, musaala, role="organiser")
    recommendation = factories.recommendation(meeting, text_ar="تعزيز التنسيق بين السلطة المحلية ومنظمات المجتمع المدني")
    recommendation.addressees.add(police)
    meeting.publish()
    factories.staff(Membership.Role.EDITOR, police, username="officer")
    factories.staff(Membership.Role.REVIEWER, musaala, username="khaled")

    # --- The addressee's editor records progress with a public file.
    log_in(page, "officer")
    page.goto(f"/staff/recommendations/{recommendation.pk}/follow-up/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.select_option("#id_status", value="in_progress")
    page.fill("#id_progress", "40")
    page.fill("#id_date", "2023-01-15")
    page.fill("#id_note_ar", NOTE)
    page.set_input_files(
        "#id_evidence_file", files=[{"name": "محضر.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.check("#id_evidence_public")
    page.click("form.follow-up-form button[type=submit]")
    page.wait_for_url("**/staff/")
    update = RecommendationUpdate.objects.get(recommendation=recommendation)
    assert update.review_state == "pending" and update.evidence.is_public
    evidence_url = update.evidence.get_absolute_url()

    # --- Nothing of it is public: not the note, not the status, not the file.
    reader = new_page(browser, live_server)
    reader.goto(recommendation.get_absolute_url())
    assert NOTE not in reader.locator("main").inner_text()
    assert reader.locator(".timeline__entry").count() == 0
    reader.goto(meeting.get_absolute_url())
    assert reader.locator(f"a[href='{evidence_url}']").count() == 0
    assert reader.request.get(live_server.url + evidence_url).status == 404
    feed = reader.request.get(live_server.url + "/feeds/recommendation-updates/rss/").text()
    assert NOTE not in feed

    # --- A reviewer of the meeting's organisation approves it from the dashboard.
    reviewer = new_page(browser, live_server)
    log_in(reviewer, "khaled")
    item = reviewer.locator(f"#update-{update.pk}")
    assert NOTE in item.inner_text()
    item.locator("form[action$='/approve/'] button").click()
    reviewer.wait_for_url("**/staff/")
    assert reviewer.locator(f"#update-{update.pk}").count() == 0

    # --- Now it is public.
    reader.goto(recommendation.get_absolute_url())
    assert NOTE in reader.locator("main").inner_text()
    assert reader.locator(".timeline__entry").count() == 1
    reader.goto(meeting.get_absolute_url())
    assert reader.locator(f"a[href='{evidence_url}']").count() == 1
    assert reader.request.get(live_server.url + evidence_url).status == 200
    assert NOTE in reader.request.get(live_server.url + "/feeds/recommendation-updates/rss/").text()
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.progress) == (Recommendation.Status.IN_PROGRESS, 40)
