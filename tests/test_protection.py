"""Protected names are caught before publication (meetings/protection.py).

On today's code a reviewer publishes a meeting whose minutes name a protected defender
without being told: every test below that expects a refusal or a finding fails there.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Attachment, Meeting, MeetingEvent, ProtectedNameAcceptance, TransitionNotAllowed
from meetings.protection import protected_name_findings, protected_names_accept, unaccepted_findings
from tests import factories
from tests.staff_helpers import fast_passwords, pdf_bytes, world  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

NAME = "سميرة أحمد الأنسي"


@pytest.fixture
def defender(db):
    return factories.person(NAME, name_en="Samira Ahmed Al-Ansi")


def names_found(meeting):
    return [(finding.place, finding.matched) for finding in protected_name_findings(meeting)]


@pytest.mark.parametrize(
    "minutes, matched",
    [
        ("قالت سميرة أحمد الأنسي إن الوضع صعب.", "سميرة أحمد الأنسي"),
        ("قالت سميره احمد الانسي إن الوضع صعب.", "سميره احمد الانسي"),  # ة/ه and hamza
        ("تحدثت سَمِيرَةُ أَحْمَدَ الأَنْسِيّ عن الوضع.", "سَمِيرَةُ أَحْمَدَ الأَنْسِيّ"),  # diacritics
        ("تحدثت سميـــرة أحمـد الأنسي.", "سميـــرة أحمـد الأنسي"),  # tatweel
        ("ووفقاً لما قالته وسميرة أحمد الأنسي.", "وسميرة أحمد الأنسي"),  # و
        ("وشكر الحاضرون بسميرة أحمد الأنسي.", "بسميرة أحمد الأنسي"),  # ب
        ("كلمة لسميرة أحمد والأنسي", "لسميرة أحمد والأنسي"),  # ل, and و + ال on a later word
    ],
)
def test_the_name_is_found_in_any_spelling(defender, minutes, matched):
    meeting = factories.meeting(minutes_ar=minutes)
    assert names_found(meeting) == [("meeting.minutes.ar", matched)]


def test_alef_maqsura_and_ya_are_the_same_letter():
    factories.person("ليلى مصطفى")
    meeting = factories.meeting(summary_ar="شاركت ليلي مصطفي في النقاش")
    assert names_found(meeting) == [("meeting.summary.ar", "ليلي مصطفي")]


@pytest.mark.parametrize(
    "minutes",
    [
        "قالت سميرة إن الوضع صعب.",  # the first name alone
        "أكد أحمد الأنسي ذلك.",  # part of the name
        "تحدثت سمير أحمد الأنسي.",  # another first name
        "السميرة أحمد الأنسيين",  # words that only contain the name's words
        "لقاء المجتمع المدني في مأرب",  # unrelated words
    ],
)
def test_no_finding_for_part_of_a_name_or_an_unrelated_word(defender, minutes):
    assert names_found(factories.meeting(minutes_ar=minutes)) == []


def test_a_public_person_is_not_reported(db):
    factories.person("محمد عبدالله الوزير", public=True)
    assert names_found(factories.meeting(minutes_ar="أكد محمد عبدالله الوزير ذلك")) == []


def test_every_public_text_in_both_languages_is_read(defender, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = factories.meeting(title_ar="لقاء مع سميرة أحمد الأنسي", summary_en="Samira Ahmed Al-Ansi attended.")
    speaker = factories.participation(meeting, factories.person(public=True), statement_ar="أشكر سميرة أحمد الأنسي")
    factories.participation(
        meeting, position_obj=factories.position(title_ar="مساعدة سميرة احمد الانسي"), statement_en="Thanks"
    )
    item = factories.recommendation(meeting, text_ar="توصية", text_en="Protect samira ahmed al ansi")
    meeting.tags.add(factories.tag("سميرة_أحمد_الأنسي"))
    for public in (True, False):
        Attachment.objects.create(
            meeting=meeting,
            title=f"صورة سميرة أحمد الأنسي {public}",
            file=SimpleUploadedFile("a.pdf", pdf_bytes()),
            content_type="application/pdf",
            size=10,
            is_public=public,
        )
    places = {place for place, _matched in names_found(meeting)}
    assert {
        "meeting.title.ar",
        "meeting.summary.en",
        f"participation.{speaker.pk}.statement.ar",
        f"recommendation.{item.pk}.text.en",
    } <= places
    assert any(place.startswith("position.") for place in places)
    assert any(place.startswith("tag.") for place in places)
    attachments = [place for place in places if place.startswith("attachment.")]
    assert len(attachments) == 1  # the staff-only file's title is never public


def test_a_protected_person_who_did_not_take_part_is_found_too(defender):
    other = factories.meeting(minutes_ar="ذكر المشاركون سميرة أحمد الأنسي")
    factories.participation(other, factories.person("شخص آخر"))
    [finding] = protected_name_findings(other)
    assert finding.person_id == defender.pk
    assert "<mark>سميرة أحمد الأنسي</mark>" in finding.excerpt_html()


def test_the_search_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    for i in range(60):
        factories.person(f"مدافع رقم{i} الاسم")
    meeting = factories.meeting(minutes_ar=" ".join(f"ذكر مدافع رقم{i} الاسم" for i in range(60)))
    for i in range(5):
        factories.recommendation(meeting, text_ar=f"توصية عن مدافع رقم{i} الاسم")
    with django_assert_max_num_queries(7):
        assert len(protected_name_findings(meeting)) == 65


# --- Publication waits for every occurrence to be removed or accepted ---------------


def test_publication_is_refused_until_each_occurrence_is_accepted(world, defender):
    meeting = world.meeting(status=Meeting.Status.REVIEW, minutes_ar="قالت سميرة أحمد الأنسي. ثم شكرت سميره الانسي احمد")
    factories.recommendation(meeting, text_ar="حماية سميرة أحمد الأنسي")
    with pytest.raises(TransitionNotAllowed) as refusal:
        meeting.publish(by=world.reviewer)
    assert refusal.value.code == "protected_names"
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.REVIEW
    findings = unaccepted_findings(meeting)
    assert len(findings) == 2
    protected_names_accept(meeting=meeting, fingerprints=[findings[0].fingerprint], by=world.reviewer)
    with pytest.raises(TransitionNotAllowed):
        meeting.publish(by=world.reviewer)
    protected_names_accept(meeting=meeting, fingerprints=[findings[1].fingerprint], by=world.reviewer)
    acceptance = ProtectedNameAcceptance.objects.get(fingerprint=findings[1].fingerprint)
    assert (acceptance.accepted_by, acceptance.person, acceptance.meeting) == (world.reviewer, defender, meeting)
    meeting.publish(by=world.reviewer)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PUBLISHED


def test_removing_the_name_is_enough(world, defender):
    meeting = world.meeting(status=Meeting.Status.REVIEW, summary_ar="حضرت سميرة أحمد الأنسي")
    with pytest.raises(TransitionNotAllowed):
        meeting.publish(by=world.reviewer)
    meeting.summary_ar = "حضرت مدافعة عن حقوق الإنسان"
    meeting.save()
    meeting.publish(by=world.reviewer)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PUBLISHED


def test_a_later_edit_that_adds_an_occurrence_needs_a_new_acceptance(world, defender):
    meeting = world.meeting(status=Meeting.Status.REVIEW, summary_ar="حضرت سميرة أحمد الأنسي", minutes_ar="نص")
    protected_names_accept(meeting=meeting, fingerprints=[f.fingerprint for f in unaccepted_findings(meeting)], by=world.reviewer)
    meeting.minutes_ar = "نص طويل عن اللقاء"  # an edit elsewhere keeps the acceptance
    meeting.save()
    assert unaccepted_findings(meeting) == []
    meeting.minutes_ar = "نص طويل عن اللقاء. وقالت سميرة أحمد الأنسي إن الوضع صعب"
    meeting.save()
    [new] = unaccepted_findings(meeting)
    assert new.place == "meeting.minutes.ar"
    with pytest.raises(TransitionNotAllowed):
        meeting.publish(by=world.reviewer)


def test_an_editor_cannot_accept(world, defender):
    meeting = world.meeting(summary_ar="حضرت سميرة أحمد الأنسي")
    with pytest.raises(PermissionDenied):
        protected_names_accept(meeting=meeting, fingerprints=[f.fingerprint for f in unaccepted_findings(meeting)], by=world.editor)
    assert not ProtectedNameAcceptance.objects.exists()


def test_the_admin_publish_action_is_refused_too(client, world, defender):
    meeting = world.meeting(status=Meeting.Status.REVIEW, summary_ar="حضرت سميرة أحمد الأنسي")
    client.force_login(world.superuser)
    response = client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "publish_meetings", "_selected_action": [meeting.pk]},
        follow=True,
    )
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.REVIEW
    assert any("protected" in str(m) or "محمي" in str(m) for m in response.context["messages"])


# --- The page ----------------------------------------------------------------------


def test_the_check_page_shows_the_findings_and_refuses_to_publish_until_accepted(client, world, defender):
    meeting = world.meeting(status=Meeting.Status.REVIEW, minutes_ar="وقالت سميرة أحمد الأنسي إن الوضع صعب")
    client.force_login(world.reviewer)
    url = reverse("staff:meeting_publication_check", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "<mark>سميرة أحمد الأنسي</mark>" in page and 'name="accept"' in page
    assert 'id="preview-link"' not in page  # publication goes through the preview, offered once all is accepted

    refused = client.post(reverse("staff:meeting_publish", args=[meeting.pk]))
    assert refused.status_code == 302 and refused["Location"] == url
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.REVIEW

    [finding] = unaccepted_findings(meeting)
    client.post(url, {"accept": [finding.fingerprint]})
    page = client.get(url).content.decode()
    assert 'id="preview-link"' in page and "finding--accepted" in page
    client.post(reverse("staff:meeting_publish", args=[meeting.pk]))
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PUBLISHED
    assert meeting.events.filter(action=MeetingEvent.Action.PUBLISHED, by=world.reviewer).exists()


def test_an_editor_sees_the_findings_but_cannot_accept_them(client, world, defender):
    meeting = world.meeting(minutes_ar="قالت سميرة أحمد الأنسي")
    client.force_login(world.editor)
    url = reverse("staff:meeting_publication_check", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "<mark>سميرة أحمد الأنسي</mark>" in page and 'name="accept"' not in page
    [finding] = unaccepted_findings(meeting)
    assert client.post(url, {"accept": [finding.fingerprint]}).status_code == 403
    assert not ProtectedNameAcceptance.objects.exists()


def test_another_organisations_meeting_is_not_found(client, world, defender):
    meeting = world.other_meeting(minutes_ar="قالت سميرة أحمد الأنسي")
    client.force_login(world.reviewer)
    assert client.get(reverse("staff:meeting_publication_check", args=[meeting.pk])).status_code == 404


def test_a_meeting_without_protected_names_publishes_through_the_preview(client, world):
    meeting = world.meeting(status=Meeting.Status.REVIEW, minutes_ar="لقاء عادي")
    client.force_login(world.reviewer)
    page = client.get(reverse("staff:meeting_publication_check", args=[meeting.pk])).content.decode()
    assert 'id="no-findings"' in page and 'id="preview-link"' in page
    preview = client.get(reverse("staff:meeting_preview", args=[meeting.pk])).content.decode()
    assert 'id="publish-button"' in preview


# --- Edits of a published meeting go live at once: the same check -----------------------


def test_an_edit_of_a_published_meeting_that_adds_a_protected_name_is_refused_until_accepted(client, world, defender):
    from tests.staff_helpers import entry_url, read_form

    meeting = world.meeting(status=Meeting.Status.REVIEW, summary_ar="ملخص")
    meeting.publish(by=world.reviewer)
    client.force_login(world.reviewer)
    data = read_form(client.get(entry_url(meeting)))
    data["minutes_ar"] = "وتحدثت سميرة أحمد الأنسي عن التهديدات"
    response = client.post(entry_url(meeting), data)
    assert response.status_code == 409
    assert "<mark>سميرة أحمد الأنسي</mark>" in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.minutes_ar and meeting.version == 1  # nothing written
    form = read_form(response)
    assert "accept_names" not in form  # not ticked for the user
    page_keys = [line for line in response.content.decode().split('name="accept_names" value="')[1:]]
    form["accept_names"] = page_keys[0].split('"')[0]
    assert client.post(entry_url(meeting), form).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_ar.startswith("وتحدثت") and meeting.status == Meeting.Status.PUBLISHED
    acceptance = ProtectedNameAcceptance.objects.get()
    assert (acceptance.accepted_by, acceptance.person) == (world.reviewer, defender)
