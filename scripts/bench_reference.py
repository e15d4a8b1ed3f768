"""The portal for ``scripts/bench_pages.py --reference``: the issue's own point of comparison.

Issue 10 set its uncached target (20 % of the trivial view) beside a reference: "a
straightforward Django list page with ``select_related`` on the same kind of data reaches
about 14 % of a trivial view". This module serves that page from the benchmark's gunicorn,
next to the real portal, so that both are measured on the same machine, data and trivial view.

``/robots.txt?reference=list`` is the textbook page: a ``ListView`` of the published
meetings, newest first, with ``select_related`` on the governorate and the project and
``paginate_by = 20`` (so Django's paginator counts them), rendered by a small template of its
own: a heading, one line per meeting (its title linked, date, governorate, project) and
"page 1 of N". ``&count=0`` leaves the count out (the page's slice alone); ``&narrow=1``
leaves out the columns no card shows (the minutes and the search columns, several kilobytes a
meeting, as the portal's lists do: ``meetings.models.meetings.long_columns``); ``&frame=1``
renders the same list inside the frame every public page of the portal renders
(``meetings/base.html``). Every other address is the real portal. Not for production;
nothing imports it.
"""

from django.core.handlers.base import BaseHandler
from django.template import engines
from django.views.generic import ListView

from sanad.wsgi import application  # noqa: F401  (sets Django up; the WSGI callable gunicorn serves)
from meetings.models import Meeting  # once Django is set up
from meetings.models.meetings import long_columns

LIST = """{% for meeting in page_obj %}<li><a href="{{ meeting.get_absolute_url }}">{{ meeting.title }}</a>
 <time datetime="{{ meeting.date|date:'Y-m-d' }}">{{ meeting.date }}</time>
 {{ meeting.governorate.name }}{% if meeting.project %} · {{ meeting.project.name }}{% endif %}</li>
{% endfor %}"""
PAGE = "<p>{{ page_obj.number }} / {{ paginator.num_pages }}</p>"
STANDALONE = engines["django"].from_string(
    "<!doctype html><html lang=\"{{ LANGUAGE_CODE }}\"><head><meta charset=\"utf-8\"><title>Meetings</title></head>"
    "<body><h1>Meetings</h1><ul>" + LIST + "</ul>{% if paginator %}" + PAGE + "{% endif %}</body></html>"
)
FRAMED = engines["django"].from_string(
    '{% extends "meetings/base.html" %}{% block page %}<h1>Meetings</h1><ul>' + LIST
    + "</ul>{% if paginator %}" + PAGE + "{% endif %}{% endblock page %}"
)


class ReferenceList(ListView):
    """What a Django tutorial would write for a list of meetings."""

    paginate_by = 20

    def get_queryset(self):
        meetings = Meeting.objects.published().select_related("governorate", "project").order_by("-date", "-pk")
        return meetings.defer(*long_columns()) if self.request.GET.get("narrow") == "1" else meetings

    def get_paginate_by(self, queryset):
        return None if self.request.GET.get("count") == "0" else self.paginate_by

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["paginator"] is None:  # no count: the first 20 alone
            context["page_obj"] = context["object_list"][: self.paginate_by]
        return context

    def render_to_response(self, context, **response_kwargs):
        template = FRAMED if self.request.GET.get("frame") == "1" else STANDALONE
        response_kwargs.setdefault("content_type", self.content_type)
        return self.response_class(request=self.request, template=template, context=context, **response_kwargs)


reference_list = ReferenceList.as_view()
resolve_request = BaseHandler.resolve_request


def resolve_to_reference(self, request):
    match = resolve_request(self, request)
    if match.url_name == "robots_txt" and request.GET.get("reference") == "list":
        match.func = reference_list
    return match


BaseHandler.resolve_request = resolve_to_reference
