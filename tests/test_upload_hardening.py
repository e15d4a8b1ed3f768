"""Uploaded images are stored without their metadata (EXIF/GPS, XMP, ICC, comments),
upright; request bodies larger than the upload limit are refused before they are read."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin

from meetings.models import Attachment, Recommendation
from meetings.services import attachment_add
from meetings.uploads import check_upload
from tests import factories
from tests.staff_helpers import arabic, fast_passwords, media_root, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords", "media_root")

PHONE = "SanadTestPhone X1"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description GPSLatitude="15,21.5N"/></rdf:RDF></x:xmpmeta>'


def _exif(orientation=6):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = PHONE
    exif[ExifTags.Base.Model] = PHONE
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (15.0, 21.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (44.0, 12.0, 6.0)
    return exif


def photo(fmt="JPEG", size=(40, 20)):
    """A photo as a phone makes it: landscape pixels with 'rotate 90°' in EXIF, GPS position, phone model, XMP."""
    image = Image.new("RGB", size, (10, 120, 200))
    image.putpixel((0, 0), (255, 0, 0))
    out = io.BytesIO()
    options = {"exif": _exif().tobytes()}
    if fmt == "JPEG":
        options.update(xmp=XMP, comment=b"taken at the meeting " + PHONE.encode())
    elif fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", PHONE)
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        options["pnginfo"] = info
    elif fmt == "WEBP":
        options["xmp"] = XMP
    image.save(out, fmt, **options)
    data = out.getvalue()
    # The test image itself carries what must disappear.
    assert PHONE.encode() in data and b"GPS" in data or Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return data


def assert_clean(data, fmt):
    image = Image.open(io.BytesIO(data))
    assert image.format == fmt
    exif = image.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert len(exif) == 0
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Comment"} & set(image.info)
    assert PHONE.encode() not in data
    assert b"GPSLatitude" not in data and b"xmpmeta" not in data
    # Turned upright as the orientation said: the 40×20 landscape is now 20×40.
    assert image.size == (20, 40)


@pytest.mark.parametrize("fmt, name", [("JPEG", "photo.jpg"), ("PNG", "photo.png"), ("WEBP", "photo.webp")])
def test_a_photo_with_gps_exif_is_stored_and_served_without_it(client, world, media_root, fmt, name):
    meeting = world.meeting()
    attachment = attachment_add(
        meeting=meeting, file=SimpleUploadedFile(name, photo(fmt)), kind="photo", title="صورة اللقاء", by=world.editor
    )
    stored = (media_root / attachment.file.name).read_bytes()
    assert_clean(stored, fmt)
    assert attachment.size == len(stored)
    client.force_login(world.editor)
    response = client.get(attachment.get_staff_url())
    assert response.status_code == 200
    assert_clean(b"".join(response.streaming_content), fmt)


def test_evidence_photo_sent_through_the_follow_up_form_loses_its_metadata(client, world, media_root):
    recommendation = factories.recommendation(world.meeting(published=True))
    client.force_login(world.editor)
    response = client.post(
        reverse("staff:recommendation_follow_up", args=[recommendation.pk]),
        {
            "status": Recommendation.Status.IN_PROGRESS,
            "progress": "30",
            "date": "2023-01-10",
            "note": "صورة من الموقع",
            "evidence_file": SimpleUploadedFile("site.jpg", photo("JPEG")),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = Attachment.objects.get(kind=Attachment.Kind.EVIDENCE)
    assert_clean((media_root / evidence.file.name).read_bytes(), "JPEG")


def test_an_image_that_cannot_be_decoded_is_refused():
    broken = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
    with pytest.raises(ValidationError) as refusal:
        check_upload(SimpleUploadedFile("photo.jpg", broken))
    assert refusal.value.code == "unreadable_image"


def test_a_png_named_and_sniffed_as_png_but_really_another_format_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "GIF")
    data = b"\x89PNG\r\n\x1a\n" + out.getvalue()
    with pytest.raises(ValidationError) as refusal:
        check_upload(SimpleUploadedFile("photo.png", data))
    assert refusal.value.code == "unreadable_image"


# --- Request bodies ---------------------------------------------------------------------


def test_a_body_larger_than_the_upload_limit_is_refused_before_it_is_read(client, world, settings):
    settings.SANAD_MAX_UPLOAD_SIZE = 1024 * 1024
    settings.SANAD_MAX_REQUEST_SIZE = 2 * 1024 * 1024
    recommendation = factories.recommendation(world.meeting(published=True))
    client.force_login(world.editor)
    # The declared length is far larger than what is sent: had anything tried to parse the
    # body, the test client's payload would have refused to read past its end.
    response = client.post(
        reverse("staff:recommendation_follow_up", args=[recommendation.pk]),
        {"status": "accepted", "note": "x"},
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert arabic("What you sent is too large", html=True) in page
    assert recommendation.updates.count() == 0
    # Below the limit, the same form is read as usual.
    response = client.post(reverse("staff:recommendation_follow_up", args=[recommendation.pk]), {"status": "accepted"})
    assert response.status_code in (200, 302)


def test_form_fields_are_capped_before_parsing(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.SANAD_MAX_REQUEST_SIZE >= settings.SANAD_MAX_UPLOAD_SIZE
