"""The public portal: what anyone may read, without an account.

Every query starts from a ``published()`` QuerySet method, which is the one
place that decides what the public may see. Each view parses the request,
asks the QuerySets, and renders; the number of queries of every page is fixed
whatever the amount of data (tests/test_query_counts.py holds them to it).
"""

import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from ..figures import scorecard
from ..filters import MeetingFilterForm, RecommendationFilterForm
from ..models import Governorate, Meeting, MeetingOrganization, Organization, Project, Recommendation, Tag, Tally
from ..pagination import AFTER, BEFORE, SEPARATOR, InvalidCursor, Key, KeysetPaginator

PER_PAGE = 20
# How many records a detail page (organisation, project, ...) shows before
# linking to the full, filtered list.
PREVIEW = 10

# The lists page by keyset — "the 20 rows after this one" — rather than by page
# number, so that a deep page costs what the first does and links stay valid as
# meetings are published (see meetings/pagination.py). The sort keys:
MEETING_KEYS = (Key("date", descending=True, parse=datetime.date.fromisoformat), Key("pk", descending=True))
RECOMMENDATION_KEYS = (
    Key("meeting__date", descending=True, parse=datetime.date.fromisoformat),
    Key("meeting_id", descending=True),
    Key("order", descending=False),
)
# Organisations by kind, then Arabic name (the list's headings are the kinds), in both
# languages: an English name may be missing, and a cursor must sort as the rows do.
ORGANIZATION_KEYS = (Key("kind", descending=False, parse=str), Key("name_ar", descending=False, parse=str),
                     Key("pk", descending=False))
ORGANIZATIONS_PER_PAGE = 100
# Projects by Arabic name: the list grows with the country's programmes, a page at a time.
PROJECT_KEYS = (Key("name_ar", descending=False, parse=str), Key("pk", descending=False))
PROJECTS_PER_PAGE = 50


class NamedPaginator(KeysetPaginator):
    """Cursors ``[plain.]name.id``: a name may hold the separator; the ``plain`` parts before
    it (an organisation's kind) and the id never do."""

    plain = 0

    def parse_cursor(self, text):
        rest, parts = text or "", []
        for _part in range(self.plain):
            part, dot, rest = rest.partition(SEPARATOR)
            if not part or not dot:
                raise InvalidCursor(text)
            parts.append(part)
        name, dot, pk = rest.rpartition(SEPARATOR)
        if not dot:
            raise InvalidCursor(text)
        try:
            return [*parts, name, int(pk)]
        except (TypeError, ValueError, OverflowError) as error:
            raise InvalidCursor(text) from error


class OrganizationPaginator(NamedPaginator):
    """Cursors ``kind.name.id``."""

    plain = 1


def keyset_page(request, queryset, keys, *, paginator_class=KeysetPaginator, per_page=PER_PAGE):
    """The page the request's cursor asks for; the first page (and a flag) if the cursor is malformed."""
    paginator = paginator_class(queryset, keys, per_page=per_page)
    direction = BEFORE if request.GET.get(BEFORE) and not request.GET.get(AFTER) else AFTER
    try:
        return paginator.page(request.GET.get(direction), direction), False
    except InvalidCursor:
        return paginator.page(), True


@require_safe
def home(request):
    published = Meeting.objects.published()
    # The counts come from the summary rows (meetings/tallies.py), not from counting.
    summary = Tally.objects.status_summary()
    return render(
        request,
        "meetings/home.html",
        {
            "section": "home",
            "latest_meetings": published.for_listing().newest_first()[:6],
            "meeting_count": Tally.objects.count_of(Tally.MEETINGS),
            "organization_count": Organization.objects.published().count(),
            "governorate_count": Governorate.objects.covered().count(),
            "status_summary": summary,
            "recommendation_count": sum(count for _status, count in summary),
        },
    )


@require_safe
def meeting_list(request):
    form = MeetingFilterForm(request.GET)
    meetings = form.apply(Meeting.objects.published())
    page, bad_cursor = keyset_page(request, meetings.for_listing(), MEETING_KEYS)
    scope = form.tally_scope()
    total = Tally.objects.count_of(Tally.MEETINGS, *scope) if scope else meetings.count()
    return render(
        request,
        "meetings/meeting_list.html",
        {"section": "meetings", "form": form, "page": page, "total": total, "bad_cursor": bad_cursor},
    )


@require_safe
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.published().for_detail(), pk=pk)
    return render(request, "meetings/meeting_detail.html", {"section": "meetings", "meeting": meeting})


@require_safe
def meeting_by_slug(request, slug):
    """The first release's long address of a meeting (its dated title): moved for good to its short one."""
    meeting = get_object_or_404(Meeting.objects.published().only("pk"), slug=slug)
    return redirect(meeting.get_absolute_url(), permanent=True)


@require_safe
def recommendation_list(request):
    form = RecommendationFilterForm(request.GET)
    recommendations = form.apply(Recommendation.objects.published())
    # The summary bar counts every status under the *other* filters, so that
    # each count says what choosing that status would show. From the summary rows
    # when they count that combination (meetings/tallies.py).
    scope = form.tally_scope(exclude=("status",))
    if scope:
        summary = Tally.objects.status_summary(*scope)
        status = form.valid_data.get("status")
        total = sum(count for each, count in summary if status in (None, each.value))
    else:
        summary = form.apply(Recommendation.objects.published(), exclude=("status",)).status_summary()
        total = recommendations.count()
    page, bad_cursor = keyset_page(request, recommendations.for_listing(), RECOMMENDATION_KEYS)
    return render(
        request,
        "meetings/recommendation_list.html",
        {
            "section": "recommendations",
            "form": form,
            "page": page,
            "total": total,
            "status_links": form.status_links(summary),
            "status_summary": summary,
            "bad_cursor": bad_cursor,
        },
    )


@require_safe
def recommendation_detail(request, pk):
    recommendation = get_object_or_404(Recommendation.objects.published().for_detail(), pk=pk)
    return render(
        request,
        "meetings/recommendation_detail.html",
        {"section": "recommendations", "recommendation": recommendation, "meeting": recommendation.meeting},
    )


@require_safe
def organization_list(request):
    organizations = (
        Organization.objects.published().without_search_columns().with_published_counts().select_related("governorate")
    )
    page, bad_cursor = keyset_page(
        request, organizations, ORGANIZATION_KEYS, paginator_class=OrganizationPaginator,
        per_page=ORGANIZATIONS_PER_PAGE,
    )
    return render(
        request,
        "meetings/organization_list.html",
        {"section": "organizations", "organizations": page.rows, "page": page, "bad_cursor": bad_cursor},
    )


@require_safe
def organization_detail(request, slug):
    organization = get_object_or_404(
        Organization.objects.published().without_search_columns().select_related("governorate"), slug=slug
    )
    meeting_count = Tally.objects.count_of(Tally.MEETINGS, "organization", organization.pk)
    meetings = Meeting.objects.published().with_organization(organization, count=meeting_count)
    # Its own roles in each meeting, to say "organiser", "funder", ... beside each.
    roles = Prefetch(
        "involvements",
        queryset=MeetingOrganization.objects.filter(organization=organization),
        to_attr="roles_of_organization",
    )
    addressed = Recommendation.objects.published().addressed_to(organization)
    card = scorecard(organization)
    parent = None
    if organization.parent_id:
        parent = Organization.objects.published().without_search_columns().filter(pk=organization.parent_id).first()
    return render(
        request,
        "meetings/organization_detail.html",
        {
            "section": "organizations",
            "organization": organization,
            "parent": parent,
            "meetings": meetings.for_listing().prefetch_related(roles).newest_first()[:PREVIEW],
            "meeting_count": meeting_count,
            "implemented_projects": Project.objects.published().filter(implementers=organization),
            "funded_projects": Project.objects.published().filter(donors=organization),
            "recommendations": addressed.for_listing().newest_first()[:PREVIEW],
            "status_summary": card["summary"],
            "scorecard": card,
        },
    )


@require_safe
def project_list(request):
    projects = Project.objects.published().with_published_meeting_counts().with_partners()
    page, bad_cursor = keyset_page(
        request, projects, PROJECT_KEYS, paginator_class=NamedPaginator, per_page=PROJECTS_PER_PAGE
    )
    return render(
        request,
        "meetings/project_list.html",
        {"section": "projects", "projects": page.rows, "page": page, "bad_cursor": bad_cursor},
    )


@require_safe
def project_detail(request, slug):
    project = get_object_or_404(
        Project.objects.published().with_partners(), slug=slug
    )
    meetings = Meeting.objects.published().in_project(project)
    recommendations = Recommendation.objects.published().in_project(project)
    return render(
        request,
        "meetings/project_detail.html",
        {
            "section": "projects",
            "project": project,
            "meetings": meetings.for_listing().newest_first()[:PREVIEW],
            "meeting_count": Tally.objects.count_of(Tally.MEETINGS, "project", project.pk),
            "recommendations": recommendations.for_listing().newest_first()[:PREVIEW],
            "status_summary": Tally.objects.status_summary("project", project.pk),
        },
    )


@require_safe
def governorate_list(request):
    governorates = Governorate.objects.with_published_meeting_counts()
    return render(
        request, "meetings/governorate_list.html", {"section": "governorates", "governorates": governorates}
    )


@require_safe
def governorate_detail(request, slug):
    # Governorates are public reference data: one without published meetings
    # still has a page, which says so.
    governorate = get_object_or_404(Governorate, slug=slug)
    meetings = Meeting.objects.published().in_governorate(governorate)
    recommendations = Recommendation.objects.published().in_governorate(governorate)
    return render(
        request,
        "meetings/governorate_detail.html",
        {
            "section": "governorates",
            "governorate": governorate,
            "meetings": meetings.for_listing().newest_first()[:PREVIEW],
            "meeting_count": Tally.objects.count_of(Tally.MEETINGS, "governorate", governorate.pk),
            "recommendations": recommendations.for_listing().newest_first()[:PREVIEW],
            "status_summary": Tally.objects.status_summary("governorate", governorate.pk),
            "organizations": Organization.objects.published().without_search_columns().filter(governorate=governorate),
        },
    )


@require_safe
def tag_detail(request, slug):
    tag = get_object_or_404(Tag.objects.published(), slug=slug)
    meetings = Meeting.objects.published().with_tag(tag)
    return render(
        request,
        "meetings/tag_detail.html",
        {
            "section": "meetings",
            "tag": tag,
            "meetings": meetings.for_listing().newest_first()[:PER_PAGE],
            "meeting_count": Tally.objects.count_of(Tally.MEETINGS, "tag", tag.pk),
        },
    )
