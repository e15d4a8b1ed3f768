"""The meeting form's page and what surrounds it (issue 11): the section links, dates typed
in the page's order, future dates and planned meetings, the reviewer's preview of the
public page, "just now", and a superuser's first run."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from meetings.date_input import parse_local_date
from meetings.models import Meeting, MeetingEvent, Organization
from meetings.models.workflow import TransitionNotAllowed
from meetings.relative_time import time_ago
from tests import factories
from tests.staff_helpers import (  # noqa: F401
    arabic,
    entry_url,
    fast_passwords,
    new_meeting_data,
    read_form,
    world,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def html(response):
    return response.content.decode()


def preview_url(meeting):
    return reverse("staff:meeting_preview", args=[meeting.pk])


def in_the_future(days=90):
    return timezone.localdate() + datetime.timedelta(days=days)


# --- The section links ---------------------------------------------------------------


def test_the_form_links_to_each_of_its_sections_with_the_rows_filled_in(client, world):
    meeting = world.meeting(status="draft")
    factories.recommendation(meeting)
    factories.recommendation(meeting)
    client.force_login(world.editor)
    page = html(client.get(entry_url(meeting)))
    for anchor in ["meeting-fields", "section-organizations", "section-participants", "section-recommendations", "section-attachments"]:
        assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page
    assert 'data-section-link="recommendations"' in page
    nav = page[page.index('id="entry-nav"') : page.index("</nav>", page.index('id="entry-nav"'))]
    recommendations = nav[nav.index('data-section-link="recommendations"') :]
    assert "<span data-row-count>2</span>" in recommendations[: recommendations.index("</a>")]
    assert 'class="entry-actions save-bar"' in page


def test_after_a_failed_save_the_section_links_count_the_problems(client, world):
    client.force_login(world.editor)
    data = new_meeting_data(client, world, title_ar="")
    page = html(client.post(entry_url(), data))
    nav = page[page.index('id="entry-nav"') : page.index("</nav>", page.index('id="entry-nav"'))]
    assert "entry-nav__link--error" in nav
    assert "مشكلة واحدة" in nav


# --- Dates typed in the page's order ---------------------------------------------------


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("26/11/2022", datetime.date(2022, 11, 26)),
        ("٢٦/١١/٢٠٢٢", datetime.date(2022, 11, 26)),
        ("۲۶/۱۱/۲۰۲۲", datetime.date(2022, 11, 26)),
        ("26-11-2022", datetime.date(2022, 11, 26)),
        ("26.11.2022", datetime.date(2022, 11, 26)),
        (" 1/3/2027 ", datetime.date(2027, 3, 1)),
        ("2022-11-26", datetime.date(2022, 11, 26)),
        ("11/26/2022", None),  # month first is not this page's order: refused, not misread
        ("31/02/2022", None),
        ("26/11/22", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_dates_are_read_day_first_in_either_kind_of_digits(typed, expected):
    assert parse_local_date(typed) == expected


def test_the_date_field_is_a_text_box_in_the_page_order_not_the_browsers(client, world):
    meeting = world.meeting(status="draft", date=datetime.date(2022, 11, 26))
    client.force_login(world.editor)
    page = html(client.get(entry_url(meeting)))
    field = page[page.index('name="date"') - 200 : page.index('name="date"') + 300]
    assert 'type="text"' in field and 'type="date"' not in field
    assert 'value="26/11/2022"' in field
    assert 'placeholder="يوم/شهر/سنة"' in field


def test_a_date_in_arabic_indic_digits_is_saved(client, world):
    client.force_login(world.editor)
    response = client.post(entry_url(), new_meeting_data(client, world, date="٢٦/١١/٢٠٢٢"))
    assert response.status_code == 302
    assert Meeting.objects.get().date == datetime.date(2022, 11, 26)


def test_an_unreadable_date_gets_a_clear_arabic_message_and_nothing_is_saved(client, world):
    client.force_login(world.editor)
    response = client.post(entry_url(), new_meeting_data(client, world, date="11/26/2022"))
    assert response.status_code == 200
    assert arabic("Enter the date as day/month/year, for example 26/11/2022.") in html(response)
    assert not Meeting.objects.exists()


# --- Future dates and planned meetings ----------------------------------------------------


def test_a_future_date_is_not_saved_without_a_word(client, world):
    client.force_login(world.editor)
    future = in_the_future()
    response = client.post(entry_url(), new_meeting_data(client, world, date=future.strftime("%d/%m/%Y")))
    assert response.status_code == 200
    page = html(response)
    assert not Meeting.objects.exists()
    assert 'id="future-date" data-future-date>' in page  # shown, not hidden
    assert arabic("The meeting is planned for this date") in page
    assert "لم يأتِ بعد" in page


def test_a_confirmed_future_date_is_saved_as_a_planned_draft(client, world):
    client.force_login(world.editor)
    future = in_the_future()
    data = new_meeting_data(client, world, date=future.strftime("%d/%m/%Y"), confirm_future_date="1")
    response = client.post(entry_url(), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.date == future and meeting.status == Meeting.Status.DRAFT and meeting.is_planned
    detail = html(client.get(reverse("staff:meeting_detail", args=[meeting.pk])))
    assert 'id="planned-badge"' in detail


def test_saving_a_planned_meeting_again_does_not_ask_twice(client, world):
    meeting = world.meeting(status="draft", date=in_the_future())
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(meeting)))
    data["summary_ar"] = "ملخص جديد"
    assert client.post(entry_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.summary_ar == "ملخص جديد"


def test_a_published_meeting_cannot_be_moved_into_the_future(client, world):
    meeting = world.meeting(published=True, date=datetime.date(2022, 11, 26))
    client.force_login(world.reviewer)
    data = read_form(client.get(entry_url(meeting)))
    data.update(date=in_the_future().strftime("%d/%m/%Y"), confirm_future_date="1")
    response = client.post(entry_url(meeting), data)
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2022, 11, 26)


def test_a_planned_meeting_cannot_be_published_so_no_public_page_counts_it(client, world):
    meeting = world.meeting(status="review", date=in_the_future())
    with pytest.raises(TransitionNotAllowed):
        meeting.publish(by=world.reviewer)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.REVIEW
    assert not Meeting.objects.published().filter(pk=meeting.pk).exists()
    client.force_login(world.reviewer)
    response = client.post(reverse("staff:meeting_publish", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.REVIEW
    page = html(client.get(preview_url(meeting)))
    assert 'id="preview-planned"' in page and 'id="publish-button"' not in page


def test_a_meeting_held_today_is_not_planned(world):
    meeting = world.meeting(status="review", date=timezone.localdate())
    assert not meeting.is_planned
    meeting.publish(by=world.reviewer)
    assert meeting.status == Meeting.Status.PUBLISHED


# --- The reviewer's preview ------------------------------------------------------------


def meeting_with_a_protected_speaker(world):
    meeting = world.meeting(status="review", title_ar="لقاء للمعاينة")
    protected = factories.person("سعاد المحمية", public=False)
    post = factories.position(protected, "ناشطة حقوقية")
    factories.participation(meeting, protected, post)
    public = factories.person("عبدربه حليس", public=True)
    factories.participation(meeting, public, factories.position(public, "مدير عام المعلومات"))
    return meeting


def test_the_preview_is_the_public_page_with_the_public_rules_for_protected_people(client, world):
    meeting = meeting_with_a_protected_speaker(world)
    client.force_login(world.reviewer)
    response = client.get(preview_url(meeting))
    assert response.status_code == 200
    page = html(response)
    assert 'id="preview-band"' in page and 'class="meeting"' in page  # the public template, marked
    assert "لقاء للمعاينة" in page
    assert "ناشطة حقوقية" in page and "سعاد المحمية" not in page
    assert "عبدربه حليس" in page
    assert 'id="publish-button"' in page


def test_the_preview_is_never_cached_nor_indexed(client, world):
    meeting = meeting_with_a_protected_speaker(world)
    client.force_login(world.reviewer)
    response = client.get(preview_url(meeting))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    page = html(response)
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert 'rel="canonical"' not in page and 'property="og:' not in page


def test_an_editor_of_the_meeting_cannot_preview_it(client, world):
    meeting = meeting_with_a_protected_speaker(world)
    client.force_login(world.editor)
    assert client.get(preview_url(meeting)).status_code == 403


def test_a_reviewer_of_a_partner_organisation_cannot_preview_it(client, world):
    """Authority comes from the meeting's organising organisations, not from any organisation on it."""
    meeting = meeting_with_a_protected_speaker(world)
    factories.involvement(meeting, world.other_org, role="partner")
    client.force_login(world.other_reviewer)
    assert client.get(preview_url(meeting)).status_code == 404


def test_the_preview_lists_only_the_files_that_will_be_public(client, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings.services import attachment_add
    from tests.staff_helpers import pdf_bytes

    settings.MEDIA_ROOT = tmp_path
    meeting = meeting_with_a_protected_speaker(world)
    for title, is_public in [("المحضر العام", True), ("كشف الحضور", False)]:
        attachment_add(
            meeting=meeting,
            file=SimpleUploadedFile("f.pdf", pdf_bytes(), content_type="application/pdf"),
            kind="minutes",
            title=title,
            is_public=is_public,
            by=None,
        )
    client.force_login(world.reviewer)
    page = html(client.get(preview_url(meeting)))
    assert "المحضر العام" in page and "كشف الحضور" not in page


def test_publication_goes_through_the_preview(client, world):
    meeting = meeting_with_a_protected_speaker(world)
    client.force_login(world.reviewer)
    check = html(client.get(reverse("staff:meeting_publication_check", args=[meeting.pk])))
    assert f'href="{preview_url(meeting)}"' in check and 'id="publish-button"' not in check
    detail = html(client.get(reverse("staff:meeting_detail", args=[meeting.pk])))
    assert f'href="{preview_url(meeting)}"' in detail
    page = html(client.get(preview_url(meeting)))
    assert f'action="{reverse("staff:meeting_publish", args=[meeting.pk])}"' in page
    client.post(reverse("staff:meeting_publish", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    public = html(client.get(meeting.get_absolute_url()))
    assert "سعاد المحمية" not in public and "ناشطة حقوقية" in public


def test_the_preview_of_a_meeting_naming_a_protected_person_waits_for_the_names(client, world):
    meeting = meeting_with_a_protected_speaker(world)
    meeting.summary_ar = "تحدثت سعاد المحمية عن التحديات"
    meeting.save()
    client.force_login(world.reviewer)
    page = html(client.get(preview_url(meeting)))
    assert 'id="preview-names"' in page and 'id="publish-button"' not in page


# --- "Just now" --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "seconds, expected",
    [
        (0, "قبل لحظات"),
        (-30, "قبل لحظات"),  # a clock slightly ahead
        (59, "قبل لحظات"),
        (60, "قبل دقيقة"),
        (2 * 60, "قبل دقيقتين"),
        (5 * 60, "قبل 5 دقائق"),
        (11 * 60, "قبل 11 دقيقة"),
        (3600, "قبل ساعة"),
        (2 * 3600, "قبل ساعتين"),
        (3 * 3600, "قبل 3 ساعات"),
        (86400, "قبل يوم"),
        (2 * 86400, "قبل يومين"),
        (12 * 86400, "قبل 12 يومًا"),
    ],
)
def test_relative_times_read_as_arabic_says_them(seconds, expected):
    now = timezone.now()
    with translation.override("ar"):
        assert time_ago(now - datetime.timedelta(seconds=seconds), now=now) == expected


def test_past_a_month_the_date_is_shown():
    now = timezone.make_aware(datetime.datetime(2026, 12, 4, 12, 0))
    with translation.override("ar"):
        assert time_ago(datetime.datetime(2026, 9, 1, 12, 0, tzinfo=now.tzinfo), now=now) == "في 1 سبتمبر 2026"
    with translation.override("en"):
        assert time_ago(now, now=now) == "just now"


def test_the_dashboard_says_just_now_never_zero_minutes(client, world):
    meeting = world.meeting(status="draft")
    meeting.submit_for_review(by=world.editor)
    client.force_login(world.reviewer)
    page = html(client.get(reverse("staff:dashboard")))
    assert "أُرسل قبل لحظات" in page
    assert "0 دقيقة" not in page and "0\xa0دقيقة" not in page


# --- A superuser's first run --------------------------------------------------------------


def test_a_superuser_of_an_empty_installation_is_taken_to_the_first_run_page(client, db):
    root = factories.user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("staff:welcome")
    page = html(client.get(reverse("staff:welcome")))
    assert arabic("Set up the first organisation") in page


def test_the_first_run_creates_a_confirmed_organisation_and_leads_to_inviting_its_members(client, db, mailoutbox):
    root = factories.user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.post(reverse("staff:welcome"), {"name_ar": "منظمة مساءلة لحقوق الإنسان", "kind": "ngo"})
    organization = Organization.objects.get()
    assert not organization.is_pending
    assert response["Location"] == reverse("staff:organization_members", args=[organization.slug])
    invite = client.post(
        reverse("staff:member_invite", args=[organization.slug]), {"email": "mona@example.org", "role": "administrator"}
    )
    assert invite.status_code == 302
    assert organization.memberships.get().role == "administrator"
    assert len(mailoutbox) == 1
    # Once there is an organisation, the dashboard is the dashboard.
    assert client.get(reverse("staff:dashboard")).status_code == 200


def test_the_first_run_refuses_an_organisation_without_an_arabic_name(client, db):
    root = factories.user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.post(reverse("staff:welcome"), {"name_ar": "", "name_en": "Musa'ala", "kind": "ngo"})
    assert response.status_code == 200
    assert not Organization.objects.exists()
    assert arabic("This field is required.") in html(response)


def test_the_sign_in_pages_and_the_workspace_carry_the_draft_owner(client, world):
    """static/js/drafts.js deletes other people's drafts: it reads who is signed in from this tag."""
    assert '<meta name="sanad-draft-user" content="">' in html(client.get(reverse("login")))
    client.force_login(world.editor)
    page = html(client.get(reverse("staff:dashboard")))
    assert f'<meta name="sanad-draft-user" content="{world.editor.pk}">' in page
    assert "data-sign-out" in page
    assert f'data-draft-key="sanad-draft:{world.editor.pk}:new"' in html(client.get(entry_url()))


def test_events_are_unchanged_by_a_refused_planned_publication(world):
    meeting = world.meeting(status="review", date=in_the_future(1))
    before = MeetingEvent.objects.count()
    with pytest.raises(TransitionNotAllowed):
        meeting.publish(by=world.administrator)
    assert MeetingEvent.objects.count() == before


def test_the_workspace_list_marks_planned_meetings(client, world):
    world.meeting(status="draft", title_ar="لقاء مقبل", date=in_the_future())
    world.meeting(status="draft", title_ar="لقاء سابق")
    client.force_login(world.editor)
    page = html(client.get(reverse("staff:meeting_list")))
    planned = arabic("Planned: not held yet")
    assert page.count(planned) == 1
    assert page.index("لقاء مقبل") < page.index(planned) < page.index("لقاء سابق")


def test_a_future_date_is_asked_about_even_when_someone_saved_in_between(client, world):
    """The merge path (someone else saved since the form was opened) asks the same question."""
    meeting = world.meeting(status="draft", date=datetime.date(2022, 11, 26))
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(meeting)))
    meeting.summary_ar = "حفظه غيري"
    meeting.save()  # a newer version
    data["date"] = in_the_future().strftime("%d/%m/%Y")
    response = client.post(entry_url(meeting), data)
    assert response.status_code == 409
    assert 'id="future-date" data-future-date>' in html(response)  # the question, shown without a script
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2022, 11, 26)
    data = read_form(response)
    data["confirm_future_date"] = "1"
    assert client.post(entry_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.date == in_the_future() and meeting.summary_ar == "حفظه غيري"
