"""Downloads of lists cannot crowd out the pages (meetings/exports/limits.py): a large list is
written only while its worker holds one of the machine's slots, and refused at once when none
is free; one client address may ask for so many downloads per window. Every refusal says why
in the reader's language, says when to try again, and reads no row."""

import datetime
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from meetings.exports.limits import take_slot
from sanad.serving import parse_rate
from tests import factories
from tests.portal import PortalClient

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
TITLES = ["اجتماع أول للتنزيل", "اجتماع ثان للتنزيل", "اجتماع ثالث للتنزيل"]


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture
def meetings():
    for number, title in enumerate(TITLES):
        factories.full_meeting(title, date=datetime.date(2024, 1, 1 + number))


@pytest.fixture
def slots(settings, tmp_path):
    """Two slots in a directory of this test's own; a list of more than one row needs one."""
    settings.EXPORT_SLOTS_DIR = tmp_path / "slots"
    settings.EXPORT_CONCURRENCY = 2
    settings.EXPORT_SLOT_ROWS = 1
    held = []
    yield held
    for slot in held:
        slot.release()


def url(name, file_format, query="", language="ar"):
    with translation.override(language):
        name = "search:export" if name == "search_export" else f"meetings:{name}"
        return reverse(name, kwargs={"file_format": file_format}) + query


def hold_every_slot(held):
    while (slot := take_slot()) is not None:
        held.append(slot)
    return held


def close_unread(response):
    """What the server does when a client goes away: close the response. (Closing sends
    ``request_finished``, which would also close the test's database connection, as the test
    client itself avoids.)"""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def downloaded_titles(response):
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content)
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        text = " ".join(str(value) for row in sheet.iter_rows(values_only=True) for value in row)
    else:
        text = body.decode("utf-8-sig")
    return [title for title in TITLES if title in text]


# --- Slots ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_a_large_list_is_refused_at_once_while_every_slot_is_taken_and_downloads_once_one_is_free(
    client, meetings, slots, file_format
):
    assert len(hold_every_slot(slots)) == 2
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("meeting_export", file_format))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "تنزيلات كبيرة أخرى قيد الإعداد الآن" in page
    assert f'href="{reverse("meetings:open_data")}"' in page
    # The bounded count only: no row was read.
    assert len(queries) == 1, [query["sql"] for query in queries]
    english = client.get(url("meeting_export", file_format, language="en"))
    assert english.status_code == 503
    assert "Other large downloads are being prepared right now" in english.content.decode()

    slots.pop().release()
    assert downloaded_titles(client.get(url("meeting_export", file_format))) == TITLES


def test_a_list_no_larger_than_a_page_needs_no_slot(client, meetings, slots, settings):
    hold_every_slot(slots)
    settings.EXPORT_SLOT_ROWS = len(TITLES)
    assert downloaded_titles(client.get(url("meeting_export", "csv"))) == TITLES
    # One row more than that is a large list.
    settings.EXPORT_SLOT_ROWS = len(TITLES) - 1
    assert client.get(url("meeting_export", "csv")).status_code == 503


def test_a_list_past_the_cap_is_refused_as_before_and_gives_its_slot_back(client, meetings, slots, settings):
    settings.EXPORT_CONCURRENCY = 1
    settings.EXPORT_MAX_ROWS = 2
    response = client.get(url("meeting_export", "csv"))
    assert response.status_code == 400
    assert "أكثر من 2 سجل" in response.content.decode()
    slots.append(take_slot())
    assert slots[-1] is not None


def test_the_other_lists_and_the_search_need_a_slot_too(client, meetings, slots):
    hold_every_slot(slots)
    for address in (
        url("recommendation_export", "csv"),
        url("organization_export", "json"),
        url("search_export", "csv", "?q=للتنزيل&kind=meetings"),
    ):
        assert client.get(address).status_code == 503, address


@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_a_streamed_download_holds_its_slot_until_its_response_is_closed(client, meetings, slots, settings, encoding):
    settings.EXPORT_CONCURRENCY = 1
    first = client.get(url("meeting_export", "csv"), HTTP_ACCEPT_ENCODING=encoding)
    assert first.status_code == 200
    assert first.get("Content-Encoding", "") == encoding
    assert client.get(url("meeting_export", "json")).status_code == 503
    chunks = iter(first.streaming_content)
    next(chunks)  # half-way through sending
    assert client.get(url("meeting_export", "json")).status_code == 503
    for _chunk in chunks:  # sent to the end: the test client then closes the response
        pass
    second = client.get(url("meeting_export", "json"))
    assert second.status_code == 200
    # A client that goes away before the first byte: the server closes the response unread.
    assert client.get(url("meeting_export", "csv")).status_code == 503
    close_unread(second)
    assert downloaded_titles(client.get(url("meeting_export", "csv"))) == TITLES


def test_a_workbook_gives_its_slot_back_once_written(client, meetings, slots, settings):
    settings.EXPORT_CONCURRENCY = 1
    workbook = client.get(url("meeting_export", "xlsx"))
    assert workbook.status_code == 200
    # Not yet sent, but written: the next large list may start.
    assert downloaded_titles(client.get(url("meeting_export", "csv"))) == TITLES
    close_unread(workbook)


HOLDER = """
import sys, time, django
django.setup()
from meetings.exports.limits import take_slot
from sanad.serving import parse_rate
slot = take_slot()
print("held" if slot else "none", flush=True)
time.sleep(120)
"""


def test_a_slot_is_shared_by_the_machine_s_processes_and_freed_when_its_holder_dies(slots, settings):
    """As gunicorn's workers share them: another process's slot is not free, and a worker killed
    (by the timeout, say) holds nothing."""
    settings.EXPORT_CONCURRENCY = 1
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EXPORT_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="sanad.settings",
        DEBUG="1",
        EXPORT_SLOTS_DIR=str(settings.EXPORT_SLOTS_DIR),
        EXPORT_CONCURRENCY="1",
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER], cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert take_slot() is None
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        slot = take_slot()
        assert slot is not None
        slots.append(slot)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


# --- Rate -----------------------------------------------------------------------------------------


@pytest.fixture
def three_a_day(settings):
    settings.EXPORT_RATE_LIMIT = "3/day"
    cache.clear()
    yield
    cache.clear()


def test_one_address_past_its_rate_is_refused_until_its_window_ends_and_others_are_not(
    client, meetings, three_a_day
):
    addresses = [
        url("meeting_export", "csv"),
        url("recommendation_export", "json"),
        url("search_export", "csv", "?q=للتنزيل&kind=meetings"),
    ]
    for address in addresses:
        assert client.get(address).status_code == 200, address
    with CaptureQueriesContext(connection) as queries:
        refused = client.get(url("meeting_export", "xlsx"))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 86400
    page = refused.content.decode()
    assert "طلبت تنزيلات كثيرة في وقت قصير" in page
    assert f'href="{reverse("meetings:open_data")}"' in page
    assert len(queries) == 0
    english = client.get(url("meeting_export", "csv", language="en"))
    assert english.status_code == 429
    assert "You have asked for many downloads in a short time" in english.content.decode()
    # Another client is counted apart.
    assert downloaded_titles(client.get(url("meeting_export", "csv"), REMOTE_ADDR="10.1.2.3")) == TITLES


def test_behind_the_trusted_proxy_each_forwarded_client_is_counted_apart(client, meetings, three_a_day, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        assert client.get(url("meeting_export", "csv"), HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200
    assert client.get(url("meeting_export", "csv"), HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # The same proxy, another reader.
    assert client.get(url("meeting_export", "csv"), HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


@pytest.mark.parametrize(
    ("language", "seconds", "text"),
    [
        ("ar", 1, "ثانية واحدة"),
        ("ar", 2, "ثانيتين"),
        ("ar", 7, "7 ثوانٍ"),
        ("ar", 45, "45 ثانية"),
        ("ar", 121, "3 دقائق"),
        ("ar", 3600, "60 دقيقة"),
        ("en", 1, "1 second"),
        ("en", 59, "59 seconds"),
        ("en", 7200, "120 minutes"),
    ],
)
def test_the_wait_is_said_in_seconds_then_minutes_with_arabic_plurals(language, seconds, text):
    from meetings.exports import _wait

    with translation.override(language):
        assert _wait(seconds) == text


def _slot_settings(**env):
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("GUNICORN_", "EXPORT_"))}
    clean.update(DEBUG="1", DJANGO_SETTINGS_MODULE="sanad.settings", **env)
    code = "from django.conf import settings; print(settings.EXPORT_CONCURRENCY, settings.EXPORT_SLOT_ROWS)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=clean, capture_output=True, text=True, check=False
    )
    return result.returncode, result.stdout.split(), result.stderr


def test_the_slots_leave_at_least_half_of_gunicorn_s_workers_to_the_pages():
    assert _slot_settings(GUNICORN_WORKERS="5")[1] == ["2", "2000"]
    assert _slot_settings(GUNICORN_WORKERS="3")[1] == ["1", "2000"]
    assert _slot_settings(GUNICORN_WORKERS="2")[1] == ["1", "2000"]
    assert _slot_settings(GUNICORN_WORKERS="9", EXPORT_SLOT_ROWS="500")[1] == ["4", "500"]
    # gunicorn.conf.py's own default: 2 × cores + 1 workers.
    assert _slot_settings()[1][0] == str(max(1, os.cpu_count()))
    assert _slot_settings(GUNICORN_WORKERS="9", EXPORT_CONCURRENCY="3")[1][0] == "3"
    returncode, _out, error = _slot_settings(EXPORT_RATE_LIMIT="30/week")
    assert returncode != 0 and "EXPORT_RATE_LIMIT must read" in error


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("30/minute", (30, 60)), ("5/second", (5, 1)), (" 2 / Hour ", (2, 3600)), ("100/day", (100, 86400))],
)
def test_a_rate_reads_a_number_per_second_minute_hour_or_day(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["30/week", "30/mango", "30/m", "thirty/minute", "-1/minute", "30", "", "/minute"])
def test_any_other_rate_is_refused(rate):
    with pytest.raises(ValueError, match="N/second, N/minute, N/hour or N/day"):
        parse_rate(rate)
