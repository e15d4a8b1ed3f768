"""The whole loop with JavaScript switched off, in Arabic: an editor enters the Marib meeting
of 26 November 2022 (/work/shared/samples/marib-consultative-meeting-2022-11-26.ar.txt)
with six organisations, three participants (one of them protected), four recommendations
and a PDF, using only the rows the page offers without a script; a reviewer publishes it
through the preview of its public page; and the protected participant appears on no
public page, feed or search result."""

import re

import pytest
from django.urls import reverse

from meetings.models import Meeting, Person
from tests.browser.test_staff_browser import MINUTES, OFFICIALS, RECOMMENDATIONS, SUMMARY, TITLE, log_in, setup_organisations
from tests.staff_helpers import fast_passwords, media_root, pdf_bytes  # noqa: F401

pytestmark = [pytest.mark.usefixtures("fast_passwords", "media_root"), pytest.mark.long]

SAVED = re.compile(r".*/staff/meetings/\d+/$")
# A human-rights defender who spoke at the meeting and must never be named publicly.
PROTECTED_NAME = "سميرة عبدالله الحقوقية"
PROTECTED_POST = "ناشطة في رصد الانتهاكات"
PROTECTED_SAID = "طالبت بحماية المدافعين عن حقوق الإنسان أثناء الرصد والتوثيق"
FOURTH_RECOMMENDATION = "تعزيز الشراكة الوطنية والخدمية والتنموية والحقوقية لمنظمات المجتمع المدني"


def no_script_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ar-YE", java_script_enabled=False)
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_marib_meeting_is_entered_and_published_through_the_preview(browser, live_server):
    musaala, others, earlier, project = setup_organisations()
    names = list(others)  # صدى, شرطة محافظة مأرب, سيفيرورلد, ديوان عام محافظة مأرب, مكتب حقوق الإنسان بمأرب

    # --- The editor, without JavaScript: the first save holds the rows the page offers.
    editor = no_script_page(browser, live_server)
    log_in(editor, "mona")
    editor.goto("/staff/meetings/new/")
    assert not editor.locator("[data-formset=organizations] [data-add-row]").is_visible()
    assert editor.locator("#entry-nav a[href='#section-recommendations']").is_visible()
    assert editor.locator("#save-bar button[value=save]").is_visible()
    editor.fill("#id_title_ar", TITLE)
    editor.fill("#id_date", "26/11/2022")
    editor.select_option("#id_governorate", label="مأرب")
    editor.select_option("#id_project", label="مشروع ساند لتعزيز السلم المجتمعي")
    editor.select_option("#id_follows", value=str(earlier.pk))
    for group in ["الجهات الأمنية", "منظمات المجتمع المدني", "المدافعون عن حقوق الإنسان"]:
        editor.get_by_label(group, exact=True).check()
    editor.fill("#id_tags", "#مأرب #مساءلة #اليمن #مشروع_ساند")
    editor.fill("#id_summary_ar", SUMMARY)
    editor.fill("#id_minutes_ar", MINUTES)
    first_roles = [("منظمة مساءلة لحقوق الإنسان", "organiser"), (names[0], "co_organiser"), (names[1], "partner")]
    for index, (name, role) in enumerate(first_roles):
        editor.select_option(f"#id_organizations-{index}-organization", label=name)
        editor.select_option(f"#id_organizations-{index}-role", value=role)
    for index, (name, post, organization, statement) in enumerate(OFFICIALS):
        editor.fill(f"#id_participants-{index}-new_person_name", name)
        editor.fill(f"#id_participants-{index}-new_position_title", post)
        editor.select_option(f"#id_participants-{index}-organization", label=organization)
        editor.check(f"#id_participants-{index}-new_person_public")
        editor.fill(f"#id_participants-{index}-statement_ar", statement)
    # The third participant is protected: "May be named publicly" stays unticked.
    editor.fill("#id_participants-2-new_person_name", PROTECTED_NAME)
    editor.fill("#id_participants-2-new_position_title", PROTECTED_POST)
    editor.select_option("#id_participants-2-organization", label="منظمة مساءلة لحقوق الإنسان")
    editor.fill("#id_participants-2-statement_ar", PROTECTED_SAID)
    for index, text in enumerate(RECOMMENDATIONS):
        editor.fill(f"#id_recommendations-{index}-text_ar", text)
    editor.select_option("#id_recommendations-0-addressees", label=[names[1], OFFICIALS[0][2]])
    editor.set_input_files(
        "#id_attachments-0-file", files=[{"name": "محضر اللقاء.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    editor.check("#id_attachments-0-is_public")
    editor.click("#save-bar button[value=save]")
    editor.wait_for_url(SAVED)
    meeting = Meeting.objects.get(title_ar=TITLE)
    assert meeting.status == "draft"

    # --- The same form again: its saved rows and empty ones for the rest.
    editor.goto(f"/staff/meetings/{meeting.pk}/edit/")
    assert editor.input_value("#id_date") == "26/11/2022"
    later_roles = [(names[2], "funder"), (names[3], "participant"), (names[4], "participant")]
    for index, (name, role) in enumerate(later_roles, start=3):
        editor.select_option(f"#id_organizations-{index}-organization", label=name)
        editor.select_option(f"#id_organizations-{index}-role", value=role)
    editor.fill("#id_recommendations-3-text_ar", FOURTH_RECOMMENDATION)
    editor.click("#save-bar button[value=submit]")
    editor.wait_for_url(SAVED)
    assert editor.locator(".status").get_attribute("data-status") == "review"

    meeting.refresh_from_db()
    assert meeting.involvements.count() == 6
    assert meeting.participations.count() == 3
    assert meeting.recommendations.count() == 4
    assert meeting.attachments.get().content_type == "application/pdf"
    protected = Person.objects.get(name_ar=PROTECTED_NAME)
    assert protected.visibility == Person.Visibility.PROTECTED

    # --- The reviewer, without JavaScript, publishes through the preview.
    reviewer = no_script_page(browser, live_server)
    log_in(reviewer, "khaled")
    reviewer.locator("#review-title ~ ul a", has_text=TITLE).click()
    reviewer.wait_for_url(f"**/staff/meetings/{meeting.pk}/")
    reviewer.click("#preview-link")
    reviewer.wait_for_url(f"**/staff/meetings/{meeting.pk}/preview/")
    preview = reviewer.locator("main").inner_text()
    assert reviewer.locator("#preview-band").is_visible()
    assert TITLE in preview and PROTECTED_POST in preview and PROTECTED_SAID in preview
    assert PROTECTED_NAME not in preview
    for name, post, _organization, _statement in OFFICIALS:
        assert name in preview and post in preview
    assert Meeting.objects.get(pk=meeting.pk).status == "review", "previewing publishes nothing"
    reviewer.click("#publish-button")
    reviewer.wait_for_url(f"**/staff/meetings/{meeting.pk}/")
    assert reviewer.locator(".status").get_attribute("data-status") == "published"

    # --- The public site: the meeting, its recommendations; never the protected name.
    reader = no_script_page(browser, live_server)
    meeting.refresh_from_db()
    page = reader.goto(meeting.get_absolute_url())
    assert page.status == 200
    body = reader.locator("main").inner_text()
    assert TITLE in body and PROTECTED_POST in body
    for text in [*RECOMMENDATIONS, FOURTH_RECOMMENDATION]:
        assert text in body
    public_addresses = [
        meeting.get_absolute_url(),
        musaala.get_absolute_url(),
        reverse("meetings:meeting_list"),
        reverse("meetings:recommendation_list"),
        reverse("meetings:feed_meetings_rss"),
        reverse("meetings:feed_meetings_atom"),
        reverse("search:search") + "?q=" + "ناشطة",
    ]
    for address in public_addresses:
        response = reader.request.get(address)
        assert response.status == 200, address
        assert PROTECTED_NAME not in response.text(), address
        assert PROTECTED_NAME.split()[0] not in response.text(), address
    # Searching for her name finds nothing (the page repeats only the words searched for).
    found = reader.request.get(reverse("search:search") + "?q=" + PROTECTED_NAME.split()[0]).text()
    assert TITLE not in found and PROTECTED_NAME not in found
    for other in (editor, reviewer, reader):
        other.context.close()
