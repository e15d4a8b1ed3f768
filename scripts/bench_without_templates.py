"""The portal for ``scripts/bench_pages.py --without-templates``: public pages with no template.

Served by the benchmark's gunicorn in place of ``sanad.wsgi``. Every public view of
``meetings/views/public.py`` runs as it is — middleware, its queries, its model instances
— and then, instead of rendering its template, evaluates the query sets and the page of
rows it hands to the template and answers an empty 200. The queries a template would run
itself (the filter menus, a lazy relation) are not run, so this is less work than the
real page: its throughput is a ceiling that no faster template engine could pass while
the views read the data as they do. Not for production; nothing imports it.
"""

from django.db.models.query import QuerySet
from django.http import HttpResponse

from sanad.wsgi import application  # noqa: F401  (sets Django up; the WSGI callable gunicorn serves)
import meetings.views.public as public  # noqa: E402  (after Django is set up)


def _evaluate(value):
    if isinstance(value, QuerySet):
        list(value)
    object_list = getattr(value, "object_list", None)
    if isinstance(object_list, QuerySet):
        list(object_list)


def render_nothing(request, template_name, context=None, *args, **kwargs):
    for value in (context or {}).values():
        _evaluate(value)
    return HttpResponse(b"")


public.render = render_nothing
