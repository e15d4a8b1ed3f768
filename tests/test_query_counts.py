"""Every public page runs a fixed number of queries, whatever the amount of data.

Each page is measured with a small data set and again after more meetings (each with
organisations, speakers, recommendations and follow-up) were added to the same governorate,
project, organisation and tag; the count must not move. The expected numbers are written down
so that a change shows up in review.

The data take seconds to build, so they are built once for the module (``measured``), every
page measured at both sizes, and each test reads its page's measurements.
"""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Governorate, MeetingOrganization, Organization, Project, Tag
from tests import factories
from tests.portal import PortalClient

pytestmark = pytest.mark.django_db

# The most queries any public page may run.
CEILING = 12


def shared_records():
    """What the meetings have in common, so that their detail pages grow with the data."""
    return {
        "organization": factories.organization("منظمة مشتركة"),
        "project": factories.project("مشروع مشترك"),
        "tag": factories.tag("وسم_مشترك"),
    }


# The second measurement's extra meetings: three times the first's data shows any per-row query.
MORE = 4


def add_meetings(count, shared, *, start=0):
    """``count`` published meetings in Marib, each fully recorded and tied to the shared records."""
    for i in range(start, start + count):
        meeting = factories.full_meeting(
            f"اجتماع رقم {i}", date=datetime.date(2022, 1, 1) + datetime.timedelta(days=i), project=shared["project"]
        )
        factories.involvement(meeting, shared["organization"], MeetingOrganization.Role.PARTICIPANT)
        factories.participation(meeting, position_obj=factories.position(), organization=shared["organization"])
        meeting.tags.add(shared["tag"])
        meeting.recommendations.get().addressees.add(shared["organization"])
        extra = factories.recommendation(meeting, theme=meeting.recommendations.get().theme)
        extra.addressees.add(shared["organization"], factories.organization())
        extra.set_status("accepted", on=meeting.date, meeting=meeting)
        meeting.stakeholder_groups.add(factories.stakeholder_group("youth"))
        # A project of its own (so the project list grows) and a draft beside it, which must cost nothing.
        factories.meeting(f"اجتماع مشروع آخر {i}", published=True, project=factories.project())
        factories.full_meeting(f"مسودة رقم {i}", published=False, project=shared["project"])


def urls(shared):
    organization, project, tag = shared["organization"], shared["project"], shared["tag"]
    latest = project.meetings.filter(status="published").order_by("-date").first()
    recommendation = latest.recommendations.order_by("order").last()
    return {
        "home": reverse("meetings:home"),
        "meeting_list": reverse("meetings:meeting_list"),
        "meeting_list_filtered": reverse("meetings:meeting_list")
        + f"?governorate=marib&project={project.slug}&organization={organization.slug}&group=youth"
        + f"&kind=consultative&date_from=2021-01-01&date_to=2030-01-01&tag={tag.slug}",
        "meeting_list_page_2": reverse("meetings:meeting_list") + "?after=2022-01-03.999999",
        "meeting_detail": latest.get_absolute_url(),
        "recommendation_list": reverse("meetings:recommendation_list"),
        "recommendation_list_filtered": reverse("meetings:recommendation_list")
        + f"?status=accepted&theme={recommendation.theme.slug}&kind=recommendation&addressee={organization.slug}"
        + f"&governorate=marib&project={project.slug}",
        "recommendation_detail": recommendation.get_absolute_url(),
        "organization_list": reverse("meetings:organization_list"),
        "organization_detail": organization.get_absolute_url(),
        "project_list": reverse("meetings:project_list"),
        "project_detail": project.get_absolute_url(),
        "governorate_list": reverse("meetings:governorate_list"),
        "governorate_detail": reverse("meetings:governorate_detail", kwargs={"slug": "marib"}),
        "tag_detail": tag.get_absolute_url(),
        "meeting_pdf": reverse("meetings:meeting_pdf", kwargs={"pk": latest.pk}),
        "project_pdf": reverse("meetings:project_pdf", kwargs={"slug": project.slug}),
    }


# Queries per page (see each view in meetings/views/public.py).
EXPECTED = {
    # latest meetings (+ organisers), 3 counts, status summary
    "home": 6,
    # count, page (+ organisers), 3 filter menus (governorate, project, group; the organisation
    # is a text box with an autocomplete: nothing to query when it is empty)
    "meeting_list": 6,
    # ... + one look-up per filter value checked (governorate, project, organisation, group, tag)
    "meeting_list_filtered": 11,
    "meeting_list_page_2": 6,
    # meeting (+ place, project, follows), organisations, groups, speakers, recommendations
    # (+ addressees), tags, published follow-ups
    "meeting_detail": 9,
    # status summary (its sum is the count: both from the summary rows, meetings/tallies.py),
    # page (+ addressees), 3 filter menus (theme, governorate, project; the addressee is a text
    # box with an autocomplete)
    "recommendation_list": 6,
    # ... + one look-up per filter value checked (theme, addressee, governorate, project)
    "recommendation_list_filtered": 11,
    # recommendation (+ meeting, place, project, theme), addressees, timeline (+ meetings)
    "recommendation_detail": 3,
    # one page of organisations (+ governorate, counts from the summary rows)
    "organization_list": 1,
    # organisation, meetings (+ organisers, its roles), count, 2 project lists,
    # recommendations (+ addressees), status summary, the scorecard's figures, the medians of
    # all organisations (cached; not in the cache here: see test_page_query_count...)
    "organization_detail": 12,
    # projects, implementers, donors
    "project_list": 3,
    # project, implementers, donors, meetings (+ organisers), count, recommendations
    # (+ addressees), status summary
    "project_detail": 9,
    "governorate_list": 1,
    # governorate, meetings (+ organisers), count, recommendations (+ addressees), status summary,
    # organisations based there
    "governorate_detail": 8,
    # tag, meetings (+ organisers), count
    "tag_detail": 4,
    # the printed minutes: meeting (+ place, project), organisations, speakers, recommendations,
    # their addressees
    "meeting_pdf": 5,
    # project, implementers, donors, its latest meetings (+ place, recommendation counts),
    # status summary, the figures (meetings, overdue, medians)
    "project_pdf": 7,
}


@dataclass
class Measure:
    status: int
    queries: list  # the SQL of each statement the page ran
    content: bytes


def published_counts():
    return {
        "organizations": Organization.objects.published().count(),
        "tags": Tag.objects.published().count(),
        "projects": Project.objects.published().count(),
        "governorates": Governorate.objects.covered().count(),
    }


def measure_every_page(client, shared):
    measures = {}
    for name, url in urls(shared).items():
        cache.clear()  # the medians of all organisations (an organisation's scorecard) are cached
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        content = response.getvalue() if response.streaming else response.content
        measures[name] = Measure(response.status_code, [query["sql"] for query in captured.captured_queries], content)
    return measures


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Every page measured with two meetings' worth of data and again with ``MORE`` more:
    ``{"small": {name: Measure}, "large": {...}, "counts": (before, after)}``."""
    with factories.kept_for_the_module(django_db_blocker):
        client, shared = PortalClient(), shared_records()
        add_meetings(2, shared)
        small, before = measure_every_page(client, shared), published_counts()
        add_meetings(MORE, shared, start=2)
        large, after = measure_every_page(client, shared), published_counts()
        yield {"small": small, "large": large, "counts": (before, after)}


def statements(measure):
    return f"{len(measure.queries)} statements:\n" + "\n".join(measure.queries)


@pytest.mark.parametrize("name", EXPECTED)
def test_page_query_count_does_not_grow_with_the_data(measured, name):
    small, large = measured["small"][name], measured["large"][name]
    assert small.status == 200 and large.status == 200
    assert len(small.queries) == EXPECTED[name], statements(small)
    assert len(large.queries) == EXPECTED[name], statements(large)
    # The page really shows the larger data set (more rows, or larger counts).
    assert large.content != small.content or name.endswith(("_detail", "page_2", "meeting_pdf"))


def test_no_page_runs_more_than_a_dozen_queries():
    assert max(EXPECTED.values()) <= CEILING


def test_the_data_really_grew(measured):
    """The second measurement is only meaningful if the pages had more to show."""
    before, after = measured["counts"]
    assert after["organizations"] >= before["organizations"] + 3 * MORE
    assert after["tags"] == before["tags"] + MORE
    assert after["projects"] == 3 + MORE and after["governorates"] == 1


SEARCH_COLUMN = re.compile(r'"search_(?:title|body)_[a-z]+"')
MINUTES_COLUMN = re.compile(r'"meetings_meeting"\."minutes(?:_[a-z]+)?"')


@pytest.mark.parametrize("name", EXPECTED)
def test_pages_leave_the_long_columns_in_the_database(measured, name):
    """The search columns (a record's text again, several kilobytes in each language) are shown
    by no page, and the minutes only by the meeting's own page and PDF: a list of fifty
    recommendations read each one's meeting whole, minutes and all."""
    measure = measured["small"][name]
    assert measure.status == 200
    # What each query reads (a search column may well be in its WHERE clause: the look-ups).
    sql = [query.split(" FROM ", 1)[0] for query in measure.queries]
    assert not [query for query in sql if SEARCH_COLUMN.search(query)]
    minutes = [query for query in sql if MINUTES_COLUMN.search(query)]
    if name in ("meeting_detail", "meeting_pdf"):
        assert len(minutes) == 1  # the meeting's own
    else:
        assert not minutes


def plan_without_sequential_scans(statement):
    """PostgreSQL's plan of ``statement`` when reading a whole table is ruled out: at test size
    the planner would otherwise read the few rows rather than the index meant for 100,000."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + statement)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the plan of a query")
def test_the_home_page_counts_the_published_organisations_from_an_index():
    """The organisations' rows are wide (descriptions, search vectors): counting them by reading
    the table took 4.7 ms at 5,000. The partial index ``organization_published`` answers the
    count (from the index alone once the table is vacuumed), as long as its condition is the
    rule of ``published()``."""
    factories.organization("منظمة منشورة")
    with CaptureQueriesContext(connection) as counted:
        Organization.objects.published().count()
    plan = plan_without_sequential_scans(counted.captured_queries[-1]["sql"])
    assert re.search(r"Scan (on|using) organization_published\b", plan), plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the plan of a query")
@pytest.mark.parametrize("page", ["meetings:meeting_list", "meetings:recommendation_list"])
def test_the_public_lists_walk_the_published_meetings_by_an_index_of_their_own(client, page):
    """The lists walk the newest published meetings. On the index of every meeting by date they
    first stepped over each meeting not published dated after the newest published one (1,437 at
    100,000 meetings, 0.9–1.2 ms a statement): ``meeting_published_date`` holds only the
    published ones, as long as its condition is the rule of ``published()``."""
    for day in range(1, 4):
        meeting = factories.meeting(f"اجتماع منشور {day}", published=True, date=datetime.date(2024, 5, day))
        factories.recommendation(meeting)
    for day in range(1, 4):
        factories.recommendation(factories.meeting(f"اجتماع قادم {day}", date=datetime.date(2031, 5, day)))
    cache.clear()
    with CaptureQueriesContext(connection) as counted:
        assert client.get(reverse(page)).status_code == 200
    (walk,) = [query["sql"] for query in counted.captured_queries if re.search(r'ORDER BY "meetings_meeting"\."date" DESC', query["sql"])]
    plan = plan_without_sequential_scans(walk)
    assert re.search(r"Scan using meeting_published_date\b", plan), plan
