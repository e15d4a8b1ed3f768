"""Printable PDFs of public records (meetings/printing.py): a meeting's minutes and a project's
report. Read through ``published()`` like the pages they print: a draft answers 404."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from ..absolute_urls import absolute_url
from ..figures import project_figures
from ..models import Meeting, Project, Tally
from ..printing import meeting_pdf, project_pdf

LATEST_MEETINGS = 30


def _pdf(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def meeting_minutes_pdf(request, pk):
    meeting = get_object_or_404(Meeting.objects.published().for_print(), pk=pk)
    url = absolute_url(meeting.get_absolute_url(), request)
    return _pdf(meeting_pdf(meeting, url), f"sanad-meeting-{meeting.pk}.pdf")


@require_safe
def project_report_pdf(request, slug):
    project = get_object_or_404(Project.objects.published().with_partners(), slug=slug)
    meetings = Meeting.objects.published().in_project(project).for_print_listing().newest_first()[:LATEST_MEETINGS]
    content = project_pdf(
        project,
        absolute_url(project.get_absolute_url(), request),
        summary=Tally.objects.status_summary("project", project.pk),
        meetings=list(meetings),
        figures=project_figures(project),
    )
    return _pdf(content, f"sanad-project-{project.pk}.pdf")
