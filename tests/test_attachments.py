"""Uploaded files: accepted only when their content is what their name says, kept under
generated names, and served only through views that check who may see them."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from meetings.models import Attachment, Recommendation
from meetings.services import attachment_add
from meetings.uploads import check_upload
from tests import factories
from tests.staff_helpers import (  # noqa: F401
    entry_url,
    fast_passwords,
    jpeg_bytes,
    media_root,
    pdf_bytes,
    png_bytes,
    read_form,
    webp_bytes,
    world,
)

pytestmark = pytest.mark.usefixtures("fast_passwords", "media_root")


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def arabic(message):
    with translation.override("ar"):
        return str(message)


# --- Checking the content ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("محضر اللقاء.pdf", pdf_bytes(), "application/pdf"),
        ("photo.PNG", png_bytes(), "image/png"),
        ("photo.jpg", jpeg_bytes(), "image/jpeg"),
        ("photo.jpeg", jpeg_bytes(), "image/jpeg"),
        ("photo.webp", webp_bytes(), "image/webp"),
    ],
)
def test_good_files_are_accepted_by_their_content(name, content, expected):
    assert check_upload(upload(name, content)) == expected


@pytest.mark.parametrize(
    "name, content, code",
    [
        pytest.param("minutes.pdf", b"<html><script>alert(1)</script></html>", "unknown_type", id="html-named-pdf"),
        pytest.param("minutes.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "unknown_type", id="program-named-pdf"),
        pytest.param("minutes.pdf", png_bytes(), "extension_mismatch", id="png-named-pdf"),
        pytest.param("photo.png", pdf_bytes(), "extension_mismatch", id="pdf-named-png"),
        pytest.param("minutes", pdf_bytes(), "extension_mismatch", id="no-extension"),
        pytest.param("photo.svg", b"<svg onload=alert(1)>", "unknown_type", id="svg"),
        pytest.param("empty.pdf", b"", "empty", id="empty"),
        pytest.param("riff.webp", b"RIFF\x00\x00\x00\x00WAVEfmt ", "unknown_type", id="riff-but-not-webp"),
    ],
)
def test_files_whose_content_does_not_match_are_refused(name, content, code):
    with pytest.raises(ValidationError) as refusal:
        check_upload(upload(name, content))
    assert refusal.value.code == code


def test_an_oversize_file_is_refused(settings):
    settings.SANAD_MAX_UPLOAD_SIZE = 1024
    with pytest.raises(ValidationError) as refusal:
        check_upload(upload("big.pdf", pdf_bytes() + b"0" * 2000))
    assert refusal.value.code == "too_large"
    assert "0.0009765625" not in str(refusal.value.messages[0])


def test_the_default_limit_is_ten_megabytes(settings):
    assert settings.SANAD_MAX_UPLOAD_SIZE == 10 * 1024 * 1024


def _post_with_file(client, world, meeting, name, content, **fields):
    data = read_form(client.get(entry_url(meeting)))
    data.update({"attachments-0-kind": "minutes", "attachments-0-title": "", **fields})
    data["attachments-0-file"] = upload(name, content)
    return client.post(entry_url(meeting), data)


def test_a_fake_pdf_is_refused_in_the_form_with_a_message_in_the_pages_language(client, world):
    meeting = world.meeting()
    client.force_login(world.editor)
    response = _post_with_file(client, world, meeting, "minutes.pdf", b"this is a text file pretending")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    msgid = "This file is not a PDF, JPEG, PNG or WebP file. Only these kinds of file can be attached."
    message = arabic(_(msgid))
    assert message != msgid  # translated by the Arabic catalogue
    assert 'id="id_attachments-0-file_error"' in page
    assert message in page
    assert 'href="#id_attachments-0-file"' in page
    assert Attachment.objects.count() == 0
    meeting.refresh_from_db()
    assert meeting.version == 1


def test_an_oversize_file_is_refused_in_the_form(client, world, settings):
    settings.SANAD_MAX_UPLOAD_SIZE = 2048
    meeting = world.meeting()
    client.force_login(world.editor)
    response = _post_with_file(client, world, meeting, "minutes.pdf", pdf_bytes() + b"0" * 4096)
    assert response.status_code == 200
    assert arabic(_("The file is too large: the limit is %(limit)s MB.") % {"limit": "0.00195312"}) in response.content.decode()
    assert Attachment.objects.count() == 0


def test_a_good_pdf_is_stored_under_a_generated_name_outside_static(client, world, media_root):
    meeting = world.meeting()
    client.force_login(world.editor)
    response = _post_with_file(client, world, meeting, "محضر لقاء مأرب.pdf", pdf_bytes())
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.title == "محضر لقاء مأرب"
    assert attachment.file.name == f"attachments/{attachment.key.hex}.pdf"
    assert (attachment.content_type, attachment.size, attachment.uploaded_by) == (
        "application/pdf",
        len(pdf_bytes()),
        world.editor,
    )
    stored = media_root / attachment.file.name
    assert stored.read_bytes() == pdf_bytes()
    assert not attachment.is_public  # private unless marked public


def test_removing_an_attachment_deletes_its_file_after_the_save(client, world, media_root, django_capture_on_commit_callbacks):
    meeting = world.meeting()
    attachment = attachment_add(meeting=meeting, file=upload("a.pdf", pdf_bytes()), kind="minutes", by=world.editor)
    stored = media_root / attachment.file.name
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(meeting)))
    data["attachments-0-DELETE"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(entry_url(meeting), data).status_code == 302
    assert not Attachment.objects.exists()
    assert not stored.exists()


def test_making_an_attachment_public_through_the_form(client, world):
    meeting = world.meeting()
    attachment = attachment_add(meeting=meeting, file=upload("a.png", png_bytes()), kind="photo", by=world.editor)
    client.force_login(world.editor)
    data = read_form(client.get(entry_url(meeting)))
    data["attachments-0-is_public"] = "on"
    assert client.post(entry_url(meeting), data).status_code == 302
    attachment.refresh_from_db()
    assert attachment.is_public


# --- Serving --------------------------------------------------------------------------------


def _attachment(meeting, *, is_public, name="minutes.pdf", content=None):
    return attachment_add(
        meeting=meeting,
        file=upload(name, content or pdf_bytes()),
        kind="minutes",
        title="محضر اللقاء",
        is_public=is_public,
        by=None,
    )


def test_staff_download_their_organisations_files_with_safe_headers(client, world):
    attachment = _attachment(world.meeting(), is_public=False)
    client.force_login(world.editor)
    response = client.get(attachment.get_staff_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_another_organisation_cannot_download_the_file(client, world):
    attachment = _attachment(world.meeting(published=True), is_public=False)
    client.force_login(world.other_editor)
    assert client.get(attachment.get_staff_url()).status_code == 404


def test_a_private_attachment_of_a_published_meeting_is_not_served_to_the_public(client, world):
    attachment = _attachment(world.meeting(published=True), is_public=False)
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_a_public_attachment_of_an_unpublished_meeting_is_not_served(client, world):
    meeting = world.meeting(published=True)
    attachment = _attachment(meeting, is_public=True)
    meeting.unpublish(by=world.reviewer)
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_a_public_attachment_of_a_published_meeting_is_served(client, world):
    attachment = _attachment(world.meeting(published=True), is_public=True)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_public_photo_opens_in_the_browser(client, world):
    attachment = _attachment(world.meeting(published=True), is_public=True, name="صورة.png", content=png_bytes())
    response = client.get(attachment.get_absolute_url())
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")


def test_an_unknown_key_is_not_found(client, db):
    assert client.get(reverse("meetings:attachment", args=["6f1c1f0e-8a1b-4c1e-9a3f-0d6b9b7f1e2a"])).status_code == 404


def test_the_meeting_lists_only_its_public_attachments_once_published(world):
    meeting = world.meeting()
    public = _attachment(meeting, is_public=True)
    _attachment(meeting, is_public=False)
    assert list(meeting.public_attachments()) == []
    meeting.publish()
    assert list(meeting.public_attachments()) == [public]
    assert list(Attachment.objects.public()) == [public]


def test_the_public_meeting_page_links_public_attachments_only(client, world):
    meeting = world.meeting(published=True)
    public = _attachment(meeting, is_public=True)
    private = _attachment(meeting, is_public=False)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert public.get_absolute_url() in page
    assert private.get_absolute_url() not in page
    assert str(private.key) not in page


# --- Evidence of follow-up ------------------------------------------------------------------


def test_evidence_of_follow_up_is_kept_as_a_checked_attachment(world):
    recommendation = factories.recommendation(world.meeting(published=True))
    update = recommendation.set_status(
        Recommendation.Status.IN_PROGRESS,
        progress=30,
        by=world.editor,
        evidence_file=upload("report.pdf", pdf_bytes()),
        evidence_public=True,
    )
    assert update.evidence.kind == Attachment.Kind.EVIDENCE
    assert update.evidence.meeting == recommendation.meeting
    assert update.evidence.is_public and update.evidence.uploaded_by == world.editor


def test_a_fake_evidence_file_is_refused_and_nothing_is_recorded(client, world):
    recommendation = factories.recommendation(world.meeting())
    client.force_login(world.editor)
    response = client.post(
        reverse("staff:recommendation_follow_up", args=[recommendation.pk]),
        {"status": "accepted", "date": "2023-01-10", "evidence_file": upload("report.pdf", b"not a pdf at all")},
    )
    assert response.status_code == 200
    assert recommendation.updates.count() == 0 and Attachment.objects.count() == 0


def test_evidence_uploaded_through_the_follow_up_page(client, world):
    recommendation = factories.recommendation(world.meeting())
    client.force_login(world.editor)
    response = client.post(
        reverse("staff:recommendation_follow_up", args=[recommendation.pk]),
        {"status": "accepted", "date": "2023-01-10", "evidence_file": upload("letter.jpg", jpeg_bytes())},
    )
    assert response.status_code == 302
    evidence = recommendation.updates.get().evidence
    assert evidence.content_type == "image/jpeg" and not evidence.is_public


def test_the_form_links_stored_files_through_the_checked_view_only(client, world):
    meeting = world.meeting()
    attachment = _attachment(meeting, is_public=False)
    client.force_login(world.editor)
    page = client.get(entry_url(meeting)).content.decode()
    assert attachment.get_staff_url() in page
    assert "/media/" not in page and attachment.file.name not in page


def test_after_an_error_elsewhere_the_form_asks_to_choose_the_files_again(client, world):
    meeting = world.meeting()
    client.force_login(world.editor)
    response = _post_with_file(client, world, meeting, "minutes.pdf", pdf_bytes(), title_ar="")
    assert response.status_code == 200
    note = "Browsers do not keep chosen files: choose your attachments again."
    assert arabic(_(note)) in response.content.decode()
    assert Attachment.objects.count() == 0
