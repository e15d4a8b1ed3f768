"""Bulk import: files refused as a whole get one Arabic message and change nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportUpload
from meetings.models import Meeting
from tests.staff_helpers import arabic, fast_passwords, world  # noqa: F401
from tests.test_import import MEETING_HEADERS, confirm, csv_file, meetings_csv, preview_of, upload


# --- Bad files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_file, message",
    [
        (lambda: SimpleUploadedFile("minutes.pdf", b"%PDF-1.4"), "is neither a workbook (.xlsx) nor a CSV file (.csv)."),
        (lambda: csv_file("meetings.csv", [["a", "b"], ["1", "2"]]), "the first row does not hold the headers of any sheet"),
        (lambda: csv_file("meetings.csv", [MEETING_HEADERS + ["لون"], ["M", "لقاء", "2022-11-26", "", "أحمر"]]), "is not one of the sheet"),
        (lambda: SimpleUploadedFile("book.xlsx", b"PK\x03\x04broken"), "is not a readable Excel workbook (.xlsx)."),
        (lambda: csv_file("meetings.csv", [MEETING_HEADERS, ["M", "=cmd|' /C calc'!A0", "2022-11-26", ""]]), "a cell starts like a formula"),
        (lambda: csv_file("meetings.csv", [MEETING_HEADERS]), "The file has headers but no rows to import."),
    ],
)
def test_a_bad_file_gets_an_arabic_message_and_changes_nothing(client, world, make_file, message):
    client.force_login(world.editor)
    response = upload(client, world, make_file())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-refused"' in html
    english = next(part for part in html.split('id="import-refused"')[1:2])
    assert message not in english, "the message is shown in Arabic"
    assert not ImportUpload.objects.exists() and Meeting.objects.count() == 0


def test_too_many_rows_and_too_large_files_are_refused(client, world, settings):
    client.force_login(world.editor)
    settings.IMPORT_MAX_ROWS = 3
    response = upload(client, world, meetings_csv(4))
    assert "4" in response.content.decode() and 'id="import-refused"' in response.content.decode()
    settings.IMPORT_MAX_ROWS = 1000
    settings.IMPORT_MAX_MB = 0.001
    response = upload(client, world, meetings_csv(40))
    assert 'id="import-refused"' in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_an_expired_upload_is_refused(client, world):
    client.force_login(world.editor)
    location = preview_of(upload(client, world, meetings_csv(1)))
    ImportUpload.objects.update(expires_at="2000-01-01T00:00:00Z")
    response = confirm(client, location)
    assert response.status_code == 302 and Meeting.objects.count() == 0


def test_a_formula_in_a_workbook_cell_is_refused(client, world):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "الاجتماعات"
    sheet.append(MEETING_HEADERS)
    sheet.append(["X-1", "=HYPERLINK(\"http://evil\",\"click\")", "2022-11-26", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(world.editor)
    response = upload(client, world, SimpleUploadedFile("book.xlsx", buffer.getvalue()))
    assert arabic("«%(source)s», row %(row)s: a cell starts like a formula («%(start)s…»). Formulas are not imported: "
                  "type the value itself, or start the text with another character.").split("«")[0] in response.content.decode()
    assert 'id="import-refused"' in response.content.decode()
    assert not ImportUpload.objects.exists()
