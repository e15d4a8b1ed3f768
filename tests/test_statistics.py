"""The statistics page, its CSV files and the organisation scorecard, against hand-counted data.

The world below has two published meetings with five recommendations, a draft with one, an
update awaiting review and a pending organisation; every figure asserted was counted by hand
from it (see the comments). The summary rows behind the figures are also compared with a
fresh rebuild after writes (tests/test_tallies.py does the same for the ``Tally`` rows).
"""

import csv
import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import tallies
from meetings.charts import Chart, Series, render_svg
from meetings.figures import compute_organisation_medians, overdue, scorecard
from meetings.models import Meeting, MonthlyTally, Recommendation
from meetings.models.recommendations import Status

from . import factories
from .portal import PortalClient

pytestmark = [pytest.mark.django_db, pytest.mark.long]

IMPLEMENTED, IN_PROGRESS, NOT_IMPLEMENTED = Status.IMPLEMENTED, Status.IN_PROGRESS, Status.NOT_IMPLEMENTED


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture
def world():
    cache.clear()
    marib, taiz = factories.governorate("marib"), factories.governorate("taiz")
    a = factories.organization("منظمة ألف", slug="org-a")
    b = factories.organization("منظمة باء", slug="org-b")
    pending = factories.organization("منظمة معلقة", slug="org-pending", is_pending=True)
    t1, t2 = factories.theme("محور الأمن", slug="security"), factories.theme("محور الحماية", slug="protection")
    project = factories.project("مشروع الجسور", slug="bridges")

    # M1: Marib, January 2022, project «bridges»: 10 attending (4 women, 5 men, 1 not said).
    m1 = factories.meeting("لقاء مأرب", date=datetime.date(2022, 1, 10), governorate=marib, project=project,
                           attendance_total=10, attendance_women=4, attendance_men=5)
    factories.involvement(m1, a)
    r1 = factories.recommendation(m1, "توصية أولى", theme=t1)  # implemented after 28 days (4 weeks)
    r2 = factories.recommendation(m1, "توصية ثانية", theme=t1, due_date=datetime.date(2022, 6, 30))  # overdue
    r3 = factories.recommendation(m1, "توصية ثالثة", theme=t2, due_date=datetime.date(2999, 1, 1))  # not yet due
    r1.addressees.add(a)
    r2.addressees.add(a, b)
    r3.addressees.add(b)
    m1.publish()
    # The pending organisation is named once the meeting is public (a write the form refuses,
    # possible from the admin): it must still never count.
    r3.addressees.add(pending)
    r1.set_status(IMPLEMENTED, on=datetime.date(2022, 2, 7))
    r2.set_status(IN_PROGRESS, progress=30, on=datetime.date(2022, 3, 7))  # 56 days (8 weeks)

    # M2: Taiz, May 2023: 20 attending (10 women, 10 men).
    m2 = factories.meeting("لقاء تعز", date=datetime.date(2023, 5, 1), governorate=taiz,
                           attendance_total=20, attendance_women=10, attendance_men=10)
    factories.involvement(m2, b)
    r4 = factories.recommendation(m2, "توصية رابعة", theme=t2)  # not implemented after 14 days (2 weeks)
    r5 = factories.recommendation(m2, "توصية خامسة", due_date=datetime.date(2020, 1, 1))  # overdue
    r4.addressees.add(b)
    r5.addressees.add(a)
    m2.publish()
    r4.set_status(NOT_IMPLEMENTED, on=datetime.date(2023, 5, 15))
    # An update awaiting review counts for nothing.
    r5.set_status(IMPLEMENTED, on=datetime.date(2023, 5, 2), pending=True)

    # A draft: never counts (100 women attending, an implemented recommendation to A).
    draft = factories.meeting("مسودة", date=datetime.date(2022, 1, 15), governorate=marib, project=project,
                              attendance_total=100, attendance_women=100)
    factories.involvement(draft, a)
    r6 = factories.recommendation(draft, "توصية المسودة", theme=t1)
    r6.addressees.add(a)
    r6.set_status(IMPLEMENTED, on=datetime.date(2022, 1, 20))
    return {"a": a, "b": b, "pending": pending, "project": project, "m1": m1, "m2": m2, "r5": r5, "draft": draft}


def table(response, slug):
    """The rows of a chart's figures table, as text cells."""
    html = response.content.decode()
    section = html[html.index(f'id="section-{slug}"'):]
    section = section[: section.index("</section>")]
    rows = re.findall(r"<tr>(.*?)</tr>", section, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


def read_csv(client, slug, query=""):
    response = client.get(reverse("meetings:statistics_csv", kwargs={"chart": slug}) + query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_recommendations_by_status_over_time(client, world):
    rows = read_csv(client, "status-over-time")
    header = rows[0]
    assert header[0] == "الفترة" or header[0]  # the period column, then a column per status
    by_period = {row[0]: dict(zip(header[1:], map(int, row[1:]))) for row in rows[1:]}
    # January 2022 to May 2023: 17 months, one row each (with zeros between).
    assert len(by_period) == 17 and list(by_period)[0] == "2022-01" and list(by_period)[-1] == "2023-05"
    labels = {status: str(status.label) for status in Status}
    with_english = client.get("/en" + reverse("meetings:statistics_csv", kwargs={"chart": "status-over-time"}))
    english = list(csv.reader(io.StringIO(with_english.content.decode("utf-8-sig"))))
    english_rows = {row[0]: dict(zip(english[0][1:], map(int, row[1:]))) for row in english[1:]}
    assert english_rows["2022-01"] == {"Proposed": 1, "Accepted": 0, "In progress": 1,
                                       "Partially implemented": 0, "Implemented": 1, "Not implemented": 0, "Total": 3}
    assert english_rows["2023-05"]["Not implemented"] == 1 and english_rows["2023-05"]["Proposed"] == 1
    assert english_rows["2023-05"]["Implemented"] == 0  # the update awaiting review does not count
    assert english_rows["2022-06"]["Total"] == 0
    assert labels  # (Arabic headers are the same figures)


def test_share_implemented_by_governorate_organisation_theme_and_project(client, world):
    rows = {row[0]: row[1:] for row in read_csv(client, "implemented-by-governorate", "")[1:]}
    assert rows == {"مأرب": ["3", "1", "33.3"], "تعز": ["2", "0", "0.0"]}
    rows = {row[0]: row[1:] for row in read_csv(client, "implemented-by-organization")[1:]}
    # A: r1, r2, r5 (r6 is a draft's); B: r2, r3, r4; the pending organisation never appears.
    assert rows == {"منظمة ألف": ["3", "1", "33.3"], "منظمة باء": ["3", "0", "0.0"]}
    rows = {row[0]: row[1:] for row in read_csv(client, "implemented-by-theme")[1:]}
    assert rows == {"محور الأمن": ["2", "1", "50.0"], "محور الحماية": ["2", "0", "0.0"]}
    rows = {row[0]: row[1:] for row in read_csv(client, "implemented-by-project")[1:]}
    assert rows == {"مشروع الجسور": ["3", "1", "33.3"]}


def test_delays_and_their_medians(client, world):
    response = client.get(reverse("meetings:statistics"))
    # First approved updates after 4, 8 and 2 weeks: the median is the 4th week (days 28–34,
    # shown as its middle, 31); implemented once, after 4 weeks.
    figures = re.findall(r'<li>[^<]*<strong><bdi>([^<]*)</bdi></strong></li>', response.content.decode())
    assert figures == ["31", "31"]
    rows = read_csv(client, "delays")
    assert [row[1:] for row in rows[1:]] == [["2", "1"], ["1", "0"], ["0", "0"], ["0", "0"], ["0", "0"], ["0", "0"]]


def test_overdue_recommendations_as_of_today(client, world):
    # r2 (due June 2022, in progress) and r5 (due January 2020, proposed); r3 is due in 2999.
    rows = read_csv(client, "overdue")
    assert rows[1:] == [["2020", "1"], ["2022", "1"]]
    response = client.get("/en" + reverse("meetings:statistics"))
    assert table(response, "overdue")[1:] == [["2020", "1"], ["2022", "1"]]
    assert "2 recommendations are overdue today." in response.content.decode()


@pytest.mark.parametrize(
    "today, expected",
    [
        # r5 falls due on 1 January 2020, r2 on 30 June 2022 (past years' yearly rows, this year's
        # past months, this month's past days).
        (datetime.date(2020, 1, 1), {}),
        (datetime.date(2020, 1, 2), {"2020": 1}),
        (datetime.date(2022, 6, 30), {"2020": 1}),
        (datetime.date(2022, 7, 1), {"2020": 1, "2022": 1}),
        (datetime.date(2023, 1, 1), {"2020": 1, "2022": 1}),
    ],
)
def test_overdue_on_any_day(world, today, expected):
    for scope, key in (("all", ""), ("organization", str(world["a"].pk))):
        chart = overdue(scope, key, today=today)
        assert dict(zip(chart.categories, chart.series[0].values)) == expected
        assert chart.total == sum(expected.values())


def test_participation_by_sex(client, world):
    rows = {row[0]: row[1:] for row in read_csv(client, "participation-by-sex")[1:]}
    # The draft's 100 women never count.
    assert rows["2022-01"] == ["4", "5", "1", "44.4"]
    assert rows["2023-05"] == ["10", "10", "0", "50.0"]
    assert rows["2022-02"] == ["0", "0", "0", "–"]


def test_one_filter_narrows_every_chart(client, world):
    rows = {row[0]: row[1:] for row in read_csv(client, "participation-by-sex", "?governorate=taiz")[1:]}
    assert rows == {"2023-05": ["10", "10", "0", "50.0"]}
    rows = read_csv(client, "overdue", "?organization=org-b")
    assert rows[1:] == [["2022", "1"]]
    rows = read_csv(client, "status-over-time", "?date_from=2023-01-01&date_to=2023-12-31")
    assert [row[0] for row in rows[1:]] == ["2023-05"]
    # The breakdowns are not drawn under a filter by one of their dimensions.
    response = client.get(reverse("meetings:statistics") + "?theme=security")
    assert 'id="section-implemented-by-governorate"' not in response.content.decode()
    assert client.get(reverse("meetings:statistics_csv", kwargs={"chart": "participation-by-sex"})
                      + "?theme=security").status_code == 404


def test_two_dimensions_are_refused_with_a_message(client, world):
    response = client.get(reverse("meetings:statistics") + "?governorate=marib&theme=security")
    assert response.status_code == 200
    assert "اختر واحدًا من" in response.content.decode()
    # The first filter applies alone: Marib's figures.
    rows = {row[0]: row[1:] for row in read_csv(client, "participation-by-sex", "?governorate=marib&theme=security")[1:]}
    assert rows == {"2022-01": ["4", "5", "1", "44.4"]}


def test_an_unknown_chart_is_not_found(client, world):
    assert client.get(reverse("meetings:statistics_csv", kwargs={"chart": "nothing"})).status_code == 404


def test_the_charts_are_accessible_svg(client, world):
    html = client.get(reverse("meetings:statistics")).content.decode()
    svgs = re.findall(r"<svg [^>]*class=\"chart\"[^>]*>.*?</svg>", html, re.S)
    assert len(svgs) == 8
    for svg in svgs:
        labelled = re.search(r'role="img" aria-labelledby="([^" ]+) ([^"]+)"', svg)
        assert labelled, svg[:200]
        assert f'<title id="{labelled.group(1)}">' in svg and f'<desc id="{labelled.group(2)}">' in svg
    assert "<script" not in "".join(svgs)
    # Every chart has its table and its CSV link.
    assert html.count('<table class="figures">') == 8
    assert html.count("/statistics/") >= 8 and html.count(".csv") == 8


def _bar_positions(svg):
    return [float(x) for x in re.findall(r'<rect class="chart__bar [^"]*" x="([\d.]+)"', svg)]


def test_charts_are_mirrored_right_to_left():
    chart = Chart("t", "عنوان", "وصف", ["2021", "2022", "2023"], [Series("س", "status-proposed", [1, 2, 3])])
    rtl, ltr = _bar_positions(render_svg(chart, True)), _bar_positions(render_svg(chart, False))
    assert ltr == sorted(ltr) and rtl == sorted(rtl, reverse=True)  # time runs from the start edge
    assert 'data-direction="rtl"' in render_svg(chart, True)
    bars = Chart("h", "t", "d", ["أ"], [Series("s", "status-implemented", [100])], horizontal=True, percent=True)
    rtl, ltr = _bar_positions(render_svg(bars, True)), _bar_positions(render_svg(bars, False))
    # A full bar starts after the label on the start side (190 of 640 wide) and leaves room
    # for its figure at the end (56): from the left in English, from the right in Arabic.
    assert (ltr, rtl) == ([190.0], [56.0])


def test_the_page_is_in_both_languages(client, world):
    arabic = client.get(reverse("meetings:statistics"))
    english = client.get("/en" + reverse("meetings:statistics"))
    assert arabic.status_code == english.status_code == 200
    assert "الإحصاءات" in arabic.content.decode() and "Statistics" in english.content.decode()
    assert 'href="/statistics/"' in client.get(reverse("meetings:home")).content.decode()


def test_the_organisation_scorecard(world):
    a, b = world["a"], world["b"]
    card = scorecard(a)
    assert dict((status.value, count) for status, count in card["summary"]) == {
        "proposed": 1, "accepted": 0, "in_progress": 1, "partial": 0, "implemented": 1, "not_implemented": 0,
    }
    assert (card["total"], card["overdue"], card["response_rate"], card["median_days"]) == (3, 2, 67, 31)
    card = scorecard(b)
    assert (card["total"], card["overdue"], card["response_rate"], card["median_days"]) == (3, 1, 67, 17)
    # Medians of A and B (the pending organisation left out): rates 67 and 67, days 17 and 31.
    assert compute_organisation_medians() == {"response_rate": 67, "median_days": 24, "organizations": 2}


def test_the_scorecard_is_on_the_organisation_page_overdue_first(client, world):
    html = client.get(world["a"].get_absolute_url()).content.decode()
    card = html[html.index('id="scorecard-title"'):]
    assert card.index("متأخرة") < card.index(str(Status.PROPOSED.label))
    assert "67%" in card and ">31<" in card and ">24<" in card


@pytest.mark.parametrize(
    "query, expected",
    [
        # Whole years, read from the yearly rows: 2022 holds M1 (Marib, r1–r3), 2023 M2 (Taiz, r4–r5).
        ("?date_from=2022-01-01&date_to=2022-12-31", {"مأرب": ["3", "1", "33.3"]}),
        ("?date_from=2020-01-01&date_to=2023-12-31", {"مأرب": ["3", "1", "33.3"], "تعز": ["2", "0", "0.0"]}),
        ("?date_to=2022-12-31", {"مأرب": ["3", "1", "33.3"]}),
        ("?date_from=2023-01-01", {"تعز": ["2", "0", "0.0"]}),
        # Months before and after the whole years (2022 from the yearly rows; June–December 2021
        # and January–May 2023 from the monthly ones).
        ("?date_from=2021-06-15&date_to=2023-05-31", {"مأرب": ["3", "1", "33.3"], "تعز": ["2", "0", "0.0"]}),
        ("?date_from=2021-06-15&date_to=2023-04-30", {"مأرب": ["3", "1", "33.3"]}),
        ("?date_from=2022-02-01&date_to=2023-12-31", {"تعز": ["2", "0", "0.0"]}),
        # No whole year: months only.
        ("?date_from=2022-01-01&date_to=2022-11-30", {"مأرب": ["3", "1", "33.3"]}),
        ("?date_from=2023-05-01&date_to=2023-05-31", {"تعز": ["2", "0", "0.0"]}),
        ("?date_from=2022-02-01&date_to=2023-04-30", {}),
    ],
)
def test_a_period_sums_whole_years_and_the_months_at_its_ends(client, world, query, expected):
    rows = {row[0]: row[1:] for row in read_csv(client, "implemented-by-governorate", query)[1:]}
    assert rows == expected


def test_the_delays_of_a_period(client, world):
    # First approved updates: r1 after 4 weeks (≤ 30 days), r2 after 8 weeks (31–90), r4 after 2 weeks
    # (M2, 2023); implemented: r1 only.
    def delays(query):
        return {row[0]: row[1:] for row in read_csv(client, "delays", query)[1:]}

    whole_2022 = delays("?date_from=2022-01-01&date_to=2022-12-31")
    assert [sum(int(row[0]) for row in whole_2022.values()), sum(int(row[1]) for row in whole_2022.values())] == [2, 1]
    assert list(whole_2022.values())[:2] == [["1", "1"], ["1", "0"]]
    both = delays("?date_from=2021-12-01&date_to=2023-05-31")
    assert list(both.values())[:2] == [["2", "1"], ["1", "0"]]
    assert delays("?date_from=2021-01-01&date_to=2021-12-31") == {row: ["0", "0"] for row in both}


def test_summary_rows_equal_a_rebuild_after_writes(world):
    """Writes after the fixture's (status, approval, deletion, move, unpublish) keep every row right."""
    r5 = world["r5"]
    update = r5.updates.get()
    update.review_state = update.Review.APPROVED
    update.save()
    world["m1"].recommendations.get(order=2).set_status(IMPLEMENTED, on=datetime.date(2022, 4, 1))
    Recommendation.objects.filter(pk=world["m1"].recommendations.get(order=3).pk).update(due_date=datetime.date(2021, 1, 1))
    Meeting.objects.filter(pk=world["m2"].pk).update(date=datetime.date(2024, 2, 2))
    world["draft"].publish()
    world["m1"].unpublish()
    kept = sorted(MonthlyTally.objects.filter(count__gt=0).values_list("measure", "scope", "key", "month", "status",
                                                                       "bucket", "count"))
    tallies.rebuild()
    rebuilt = sorted(MonthlyTally.objects.filter(count__gt=0).values_list("measure", "scope", "key", "month", "status",
                                                                          "bucket", "count"))
    assert kept == rebuilt and rebuilt


def test_the_page_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    url = reverse("meetings:statistics")
    with django_assert_num_queries(STATISTICS_QUERIES):
        assert client.get(url).status_code == 200
    for number in range(5):
        meeting = factories.full_meeting(f"لقاء إضافي {number}", date=datetime.date(2019 + number, 3, 1))
        assert meeting.is_published
    with django_assert_num_queries(STATISTICS_QUERIES):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(STATISTICS_QUERIES_FILTERED):
        assert client.get(url + "?organization=org-a&date_from=2020-01-01").status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the plan of a query")
def test_one_organisations_figures_are_read_from_the_key_index_alone(client, world):
    """An organisation's statistics read its own rows over time. Through the breakdowns' index
    (month before key) PostgreSQL read every organisation's rows of the measure: 60 ms for the
    busiest of 5,000 at 100,000 meetings, where the planner took key «1» for a common one (every
    scope has a «1»). ``monthly_tally_key`` answers each such statement from the index alone."""
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("meetings:statistics") + "?organization=org-a").status_code == 200
    key = str(world["a"].pk)
    statements = [q["sql"] for q in page.captured_queries
                  if '"meetings_monthlytally"' in q["sql"] and f"\"key\" = '{key}'" in q["sql"]]
    # Status over time, delays, overdue and attendance: each for this one organisation.
    assert len(statements) == 4, statements
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in statements:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert re.search(r"Scan (using|on) monthly_tally_key\b", plan), plan
            assert not re.search(r"monthly_tally_(period|unique)\b", plan), plan


# 3 filter menus (governorate, project, theme); status over time; breakdowns: 4 × (rows,
# names); delays; overdue; attendance.
STATISTICS_QUERIES = 15
# 3 menus, the organisation looked up; status over time, delays, overdue, attendance (no breakdowns).
STATISTICS_QUERIES_FILTERED = 8
