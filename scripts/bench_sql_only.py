"""The portal for ``scripts/bench_pages.py --sql-only``: each page's SQL replayed, nothing else.

Served by the benchmark's gunicorn in place of ``sanad.wsgi``. The first time a worker
serves the address of a public page (``meetings/views/public.py``), the real view runs, and
its SQL statements (with their parameters) and its response are recorded. Every later
request for that address goes through the same middleware, sends the same statements
through a raw cursor, fetches every row, builds no model instance, renders no template, and
answers the recorded bytes. Its throughput is the ceiling of any second data layer
(hand-written SQL, no ORM) with any template engine, however fast, that still asks the
database what the page asks today.

``/robots.txt?statements=N`` is the trivial view after N ``SELECT 1`` through the same kind
of cursor: what a round trip itself costs. Not for production; nothing imports it.
"""

from django.core.handlers.base import BaseHandler
from django.db import connection
from django.http import HttpResponse
from django.utils import translation

from sanad.wsgi import application  # noqa: F401  (sets Django up; the WSGI callable gunicorn serves)

RECORDED = {}


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
        return HttpResponse(content, status=status, content_type=content_type)

    return replay


def after_statements(view):
    def trivial(request, *args, **kwargs):
        with connection.cursor() as cursor:
            for _statement in range(int(request.GET["statements"])):
                cursor.execute("SELECT 1")
                cursor.fetchall()
        return view(request, *args, **kwargs)

    return trivial


resolve_request = BaseHandler.resolve_request


def resolve_to_replay(self, request):
    match = resolve_request(self, request)
    # The public pages only: the reference of every ratio (robots.txt) and the sign-in
    # stay the real views.
    if match.func.__module__ == "meetings.views.public":
        match.func = replaying(match.func)
    elif match.url_name == "robots_txt" and "statements" in request.GET:
        match.func = after_statements(match.func)
    return match


BaseHandler.resolve_request = resolve_to_replay
