"""The portal for ``scripts/bench_pages.py --sql-only``: each page's SQL replayed, nothing else.

Served by the benchmark's gunicorn in place of ``sanad.wsgi``. The first time a worker
serves the address of a public page (``meetings/views/public.py``), the real view runs, and
its SQL statements (with their parameters) and its response are recorded. Every later
request for that address goes through the same middleware, sends the same statements
through a raw cursor, fetches every row, builds no model instance, renders no template
(with ``BENCH_FRAME=1``, only the empty frame below), and answers the recorded bytes. Its
throughput is the ceiling of any second data layer (hand-written SQL, no ORM) with any
template engine, however fast, that still asks the database what the page asks today.

``/robots.txt?statements=N`` is the trivial view after N ``SELECT 1`` through the same kind
of cursor: what a round trip itself costs. ``/robots.txt?frame=1`` (with or without
``statements``) answers instead the public pages' frame with nothing in it
(``meetings/base.html``: head, header, search box, footer): the floor of any page that still
renders that frame with Django templates, whatever its data layer. Not for production;
nothing imports it.
"""

import os

from django.core.handlers.base import BaseHandler
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation

from sanad.wsgi import application  # noqa: F401  (sets Django up; the WSGI callable gunicorn serves)

RECORDED = {}
# The frame every public page renders, with nothing in it.
FRAME = "meetings/base.html"
# BENCH_FRAME=1: each replayed page also renders the empty frame (and throws it away), so
# that its throughput is that of the page's SQL plus the one part of its template every
# page shares.
WITH_FRAME = os.environ.get("BENCH_FRAME") == "1"


def replaying(view):
    def replay(request, *args, **kwargs):
        key = (translation.get_language(), request.get_full_path())
        if key not in RECORDED:
            statements = []

            def record(execute, sql, params, many, context):
                statements.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(record):
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
            RECORDED[key] = (statements, response.status_code, response.content, response["Content-Type"])
            return response
        statements, status, content, content_type = RECORDED[key]
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
        if WITH_FRAME:
            render(request, FRAME, {})
        return HttpResponse(content, status=status, content_type=content_type)

    return replay


def after_statements(view):
    def trivial(request, *args, **kwargs):
        statements = int(request.GET.get("statements", 0))
        if statements:  # no connection taken from the pool for none
            with connection.cursor() as cursor:
                for _statement in range(statements):
                    cursor.execute("SELECT 1")
                    cursor.fetchall()
        if "frame" in request.GET:
            return render(request, FRAME, {})
        return view(request, *args, **kwargs)

    return trivial


resolve_request = BaseHandler.resolve_request


def resolve_to_replay(self, request):
    match = resolve_request(self, request)
    # The public pages only: the reference of every ratio (robots.txt) and the sign-in
    # stay the real views.
    if match.func.__module__ == "meetings.views.public":
        match.func = replaying(match.func)
    elif match.url_name == "robots_txt" and ("statements" in request.GET or "frame" in request.GET):
        match.func = after_statements(match.func)
    return match


BaseHandler.resolve_request = resolve_to_replay
