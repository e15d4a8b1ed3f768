"""Exports of the public lists: CSV (with a byte-order mark), XLSX (right to left in Arabic, real
dates beside the Hijri date) and JSON, each with exactly the reader's filters, streamed, in a
fixed number of queries whatever the number of rows."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from meetings.models import Recommendation
from tests import factories
from tests.portal import PortalClient

pytestmark = pytest.mark.django_db

ADEN_TITLE = "اجتماع عدن للتصدير"
MARIB_TITLE = "اجتماع مأرب للتصدير"


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture
def meetings():
    aden = factories.full_meeting(ADEN_TITLE, governorate=factories.governorate("aden"), date=datetime.date(2022, 11, 26))
    marib = factories.full_meeting(MARIB_TITLE, date=datetime.date(2023, 3, 1), title_en="Marib export meeting")
    factories.full_meeting("مسودة لا تصدر", published=False)
    return aden, marib


def body(response):
    assert response.streaming
    return b"".join(response.streaming_content)


def export_url(name, file_format, query="", language="ar"):
    with translation.override(language):
        name = "search:export" if name == "search_export" else f"meetings:{name}"
        return reverse(name, kwargs={"file_format": file_format}) + query


def read_csv(response):
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def read_xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(body(response)))


def read_json(response):
    return json.loads(body(response))


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_states_its_rows_and_filters_then_arabic_headers_and_the_filtered_rows(client, meetings):
    response = client.get(export_url("meeting_export", "csv", "?governorate=aden"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    notes, header, *rows = read_csv(response)
    assert "عدد الصفوف: 1" in notes
    assert "عوامل التصفية: المحافظة: عدن" in notes
    assert header[0] == "الرقم"
    assert "التاريخ الهجري" in header
    assert [row[header.index("العنوان")] for row in rows] == [ADEN_TITLE]
    assert rows[0][header.index("التاريخ")] == "2022-11-26"
    assert rows[0][header.index("التاريخ الهجري")] == "2 جمادى الأولى 1444\u00a0هـ"


def test_csv_in_english_has_english_headers_and_english_text(client, meetings):
    notes, header, *rows = read_csv(client.get(export_url("meeting_export", "csv", language="en")))
    assert header[0] == "Number" and "Title" in header and "Hijri date" in header
    assert "Rows: 2" in notes
    titles = [row[header.index("Title")] for row in rows]
    assert titles == ["Marib export meeting", ADEN_TITLE], "newest first; Arabic where no English"
    assert rows[0][header.index("Address")].endswith(f"/en/meetings/{meetings[1].pk}/")


def test_a_text_read_as_a_formula_by_spreadsheets_is_written_as_text(client, meetings):
    meeting = meetings[0]
    meeting.summary_ar = "=HYPERLINK(\"http://evil.example\")"
    meeting.save()
    _notes, header, *rows = read_csv(client.get(export_url("meeting_export", "csv", "?governorate=aden")))
    assert rows[0][header.index("الملخص")] == "'=HYPERLINK(\"http://evil.example\")"


# --- XLSX --------------------------------------------------------------------------------------


def test_xlsx_is_right_to_left_in_arabic_with_real_dates_a_hijri_column_and_its_notes(client, meetings):
    response = client.get(export_url("meeting_export", "xlsx", "?governorate=aden"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = read_xlsx(response)
    data, about = workbook.worksheets
    assert data.sheet_view.rightToLeft
    rows = list(data.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[0] == "الرقم" and "التاريخ الهجري" in header
    assert len(rows) == 2
    assert rows[1][header.index("التاريخ")] == datetime.datetime(2022, 11, 26)
    assert data.cell(row=2, column=header.index("التاريخ") + 1).is_date
    assert rows[1][header.index("التاريخ الهجري")] == "2 جمادى الأولى 1444\u00a0هـ"
    assert rows[1][header.index("الرقم")] == meetings[0].pk
    notes = {row[0]: row[1] for row in about.iter_rows(values_only=True) if row[0]}
    assert notes["عدد الصفوف"] == 1
    assert "عدن" in notes["عوامل التصفية"]


def test_xlsx_in_english_is_left_to_right_with_english_headers(client, meetings):
    workbook = read_xlsx(client.get(export_url("recommendation_export", "xlsx", language="en")))
    data = workbook.worksheets[0]
    assert not data.sheet_view.rightToLeft
    header = next(data.iter_rows(values_only=True))
    assert "Status" in header and "Addressed to" in header


# --- JSON --------------------------------------------------------------------------------------


def test_json_has_a_meta_object_with_count_and_filters(client, meetings):
    data = read_json(client.get(export_url("recommendation_export", "json", "?status=in_progress&governorate=marib")))
    meta = data["meta"]
    assert meta["count"] == len(data["rows"]) == 1
    assert {each["name"]: each["value"] for each in meta["filters"]} == {"status": "in_progress", "governorate": "marib"}
    row = data["rows"][0]
    assert row["status"] == "قيد التنفيذ"
    assert row["progress"] == 40
    assert row["meeting_date"] == "2023-03-01"
    assert row["last_follow_up"] == "2023-03-01"
    partner = meetings[1].involvements.get(role="partner").organization
    assert row["addressees"] == partner.name_ar


def test_the_organisations_export_lists_the_published_organisations_of_a_governorate(client, meetings):
    aden_organization = meetings[0].involvements.get(role="organiser").organization
    aden_organization.governorate = factories.governorate("aden")
    aden_organization.save()
    data = read_json(client.get(export_url("organization_export", "json", "?governorate=aden")))
    assert [row["name"] for row in data["rows"]] == [aden_organization.name_ar]
    everything = read_json(client.get(export_url("organization_export", "json")))
    assert everything["meta"]["count"] == 6  # three per published meeting; none of the draft's


# --- Filters -----------------------------------------------------------------------------------


def test_the_list_pages_link_to_their_exports_with_the_filters_applied(client, meetings):
    page = client.get(reverse("meetings:meeting_list") + "?governorate=aden&after=2022-01-01.5").content.decode()
    assert f'href="{export_url("meeting_export", "csv")}?governorate=aden"' in page
    assert f'href="{export_url("meeting_export", "xlsx")}?governorate=aden"' in page
    page = client.get(reverse("meetings:recommendation_list")).content.decode()
    assert f'href="{export_url("recommendation_export", "json")}"' in page
    project_page = client.get(meetings[0].project.get_absolute_url()).content.decode()
    assert f'{export_url("meeting_export", "csv")}?project=' in project_page
    assert f'{export_url("recommendation_export", "csv")}?project=' in project_page


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
@pytest.mark.parametrize(
    "query", ["?governorate=nowhere", "?date_from=2023-13-45", "?date_from=2023-05-01&date_to=2023-01-01",
              "?organization=%00", "?status=lost"]
)
def test_a_bad_filter_refuses_the_export_with_a_clear_message(client, meetings, file_format, query):
    name = "recommendation_export" if "status" in query else "meeting_export"
    response = client.get(export_url(name, file_format, query))
    assert response.status_code == 400
    page = response.content.decode()
    assert "تعذّر تنزيل القائمة" in page
    assert "العودة إلى القائمة لتصحيح عوامل التصفية" in page


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_a_list_larger_than_a_download_may_hold_is_refused_with_the_dataset_offered(client, meetings, settings, file_format):
    settings.EXPORT_MAX_ROWS = settings.EXPORT_MAX_ROWS_XLSX = 1
    response = client.get(export_url("meeting_export", file_format))
    assert response.status_code == 400
    page = response.content.decode()
    assert "أكثر من 1 سجل" in page
    assert f'href="{reverse("meetings:open_data")}"' in page
    assert "العودة إلى القائمة لتصحيح عوامل التصفية" in page
    english = client.get(export_url("meeting_export", file_format, language="en"))
    assert english.status_code == 400
    assert "more than 1 records" in english.content.decode()
    assert 'href="/en/open-data/"' in english.content.decode()
    # Narrowed to one meeting by a filter, the same list downloads.
    narrowed = client.get(export_url("meeting_export", file_format, "?governorate=aden"))
    assert narrowed.status_code == 200
    assert narrowed.streaming
    b"".join(narrowed.streaming_content)


def test_the_search_export_is_bounded_too(client, meetings, settings):
    settings.EXPORT_MAX_ROWS = 1
    response = client.get(export_url("search_export", "csv", "?q=اجتماع&kind=meetings"))
    assert response.status_code == 400
    assert reverse("meetings:open_data") in response.content.decode()


def test_an_unknown_format_is_not_found(client, meetings):
    assert client.get(reverse("meetings:meeting_list") + "export.pdf").status_code == 404


def test_the_search_exports_the_records_of_one_kind_it_finds(client, meetings):
    response = client.get(export_url("search_export", "json", "?q=عدن&kind=meetings"))
    data = read_json(response)
    assert [row["title"] for row in data["rows"]] == [ADEN_TITLE]
    assert {each["name"] for each in data["meta"]["filters"]} == {"q", "kind"}
    assert client.get(export_url("search_export", "csv", "?q=عدن")).status_code == 400


# --- Bounded: streamed, a fixed number of queries ------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_every_export_runs_a_fixed_number_of_queries_whatever_the_rows(client, file_format):
    shared = factories.project("مشروع مشترك للتصدير")
    urls = [
        export_url("meeting_export", file_format, f"?project={shared.slug}&governorate=marib"),
        export_url("recommendation_export", file_format, f"?project={shared.slug}&status=in_progress"),
        export_url("organization_export", file_format),
        export_url("search_export", file_format, "?q=اجتماع&kind=recommendations"),
    ]
    factories.full_meeting("اجتماع أول", project=shared)
    before = [_queries(client, url) for url in urls]
    for number in range(6):
        meeting = factories.full_meeting(f"اجتماع آخر {number}", project=shared)
        factories.recommendation(meeting).addressees.add(factories.organization())
    after = [_queries(client, url) for url in urls]
    assert before == after
    # PostgreSQL: the bounded count, the filter's look-up, SET LOCAL jit, savepoint, the rows
    # through a server-side cursor, release.
    assert max(after) <= 7


def test_exports_are_streamed(client, meetings):
    for file_format in ("csv", "xlsx", "json"):
        response = client.get(export_url("meeting_export", file_format))
        assert response.streaming, file_format
        b"".join(response.streaming_content)


# --- Protection ---------------------------------------------------------------------------------


def test_no_export_names_a_protected_person_or_an_unreviewed_follow_up(client, meetings):
    recommendation = meetings[0].recommendations.get()
    recommendation.set_status(Recommendation.Status.IMPLEMENTED, note="متابعة معلقة سرية", pending=True)
    for name in ("meeting_export", "recommendation_export", "organization_export"):
        for file_format in ("csv", "json"):
            text = body(client.get(export_url(name, file_format))).decode("utf-8")
            assert "مسودة لا تصدر" not in text
            assert "متابعة معلقة سرية" not in text
            for meeting in meetings:
                for participation in meeting.participations.select_related("person"):
                    if not participation.person.is_public:
                        assert participation.person.name not in text
    rows = read_json(client.get(export_url("recommendation_export", "json")))["rows"]
    assert {row["status"] for row in rows} == {"قيد التنفيذ"}, "a pending update moves nothing"


def test_rows_are_read_in_one_query_and_the_cursor_setting_is_restored(meetings):
    """PostgreSQL: the export declares its own server-side cursor (in a transaction) and leaves the
    connection's setting as it found it; SQLite reads in chunks anyway."""
    from meetings.exports.columns import meeting_rows
    from meetings.exports.writers import stream_rows

    setting = connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with CaptureQueriesContext(connection) as queries:
        titles = [row.title_ar for row in stream_rows(meeting_rows(), chunk_size=1)]
    assert titles == [MARIB_TITLE, ADEN_TITLE]
    assert len([query for query in queries if "SELECT" in query["sql"] and "set_config" not in query["sql"]]) == 1
    assert connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS") == setting


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT compiler")
def test_the_rows_are_read_without_jit_compilation_and_with_index_friendly_costs(meetings):
    """The export's query looks costly (a subquery per joined column) and PostgreSQL would spend
    seconds compiling it: the export's transaction turns JIT off, and prices random reads as on
    an SSD (SET LOCAL: for itself only)."""
    from meetings.exports.columns import meeting_rows
    from meetings.exports.writers import stream_rows

    seen = []
    for _row in stream_rows(meeting_rows(), chunk_size=1):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit'), current_setting('random_page_cost')")
            seen.append(cursor.fetchone())
    assert seen == [("off", "1.1"), ("off", "1.1")]


# --- Rows read as values ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_column_reads_from_the_fetched_values_what_it_reads_from_a_model_instance(meetings, language):
    """The writers fetch only what the columns declare they read (``Column.reads``) and hand
    them light rows; each cell must be what the same column gives for the model instance —
    for every kind of the dataset, with a relation left empty and a text left untranslated."""
    from meetings.exports.columns import KINDS, cell_readers
    from meetings.exports.writers import read_rows

    bare = factories.meeting("اجتماع بلا مشروع ولا مدينة", published=True, project=None, start_time=None)
    factories.recommendation(bare, theme=None, due_date=datetime.date(2024, 5, 1))
    factories.participation(bare, factories.person("شخص علني للتصدير", public=True))
    for name, kind in KINDS.items():
        with translation.override(language):
            readers = cell_readers(kind.columns, language, "https://sanad.example")
            expected = [[read(row) for read in readers] for row in kind.rows(None)]
            assert expected, name
            assert list(read_rows(kind.rows(None), kind.columns, readers)) == expected, name


def test_an_export_builds_no_model_instance_per_row(client, meetings):
    from collections import Counter

    from django.db.models.signals import pre_init

    from meetings.models import Meeting

    for number in range(5):
        factories.full_meeting(f"اجتماع إضافي للتصدير {number}")
    built = Counter()

    def count(sender, **kwargs):
        built[sender] += 1

    pre_init.connect(count)
    try:
        for name in ("meeting_export", "recommendation_export"):
            for file_format in ("csv", "xlsx", "json"):
                response = client.get(export_url(name, file_format))
                assert response.status_code == 200
                body(response)
    finally:
        pre_init.disconnect(count)
    assert built[Meeting] == built[Recommendation] == 0
