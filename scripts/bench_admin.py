#!/usr/bin/env python
"""The admin and the staff workspace at real size: every list, search, sort and form.

    .venv/bin/python scripts/bench_admin.py                 # on sanad_bench (scripts/bench_pages.py --generate)
    .venv/bin/python scripts/bench_admin.py --only meeting  # the pages whose name contains "meeting"

Not a test: it prints figures for docs/performance.md. In-process (Django's test client, DEBUG
off), signed in as the benchmark's superuser, it asks for:

- every registered model's admin list: its first page, a search for a common word and for a
  word no record holds, each of its sortable columns in both directions, its filters, its
  date drill-down;
- the change form of a large record of each model (the 20×20 meeting of the staff form for
  meetings), the add form, and every autocomplete field's answer when it opens and when the
  first three letters of a common word are typed;
- the workspace's lists (dashboard, meetings, organisations awaiting review).

For each: the HTTP status, the median time of ``--repeat`` requests after one warm-up, the
number of SQL statements, the bytes. A page slower than 2 s is asked once. At the end, the
pages over ``--budget`` milliseconds (default 500) and the pages with a status other than 200.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_pages  # noqa: E402

COMMON_WORD = "مأرب"  # a governorate's name, in a large share of the titles and texts
MISSING_WORD = "زمهريرية"  # in no record: the worst case of a search, every row read
AUTOCOMPLETE_TERM = "مأر"  # the first three letters of COMMON_WORD, as a picker sends them


def admin_pages(request):
    """``[(name, path)]`` for every registered ModelAdmin (changelist, search, sorts, filters, forms)."""
    from django.contrib import admin
    from django.contrib.admin.views.main import ORDER_VAR, SEARCH_VAR
    from django.urls import reverse

    from meetings.models import Meeting

    quote = urllib.parse.quote
    result = []
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        opts = model._meta
        name = opts.label_lower
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        result.append((f"{name} list", changelist))
        if model_admin.search_fields:
            result.append((f"{name} search (common)", f"{changelist}?{SEARCH_VAR}={quote(COMMON_WORD)}"))
            result.append((f"{name} search (missing)", f"{changelist}?{SEARCH_VAR}={quote(MISSING_WORD)}"))
        for index, field_name in enumerate(model_admin.list_display):
            if not _sortable(model_admin, model, field_name):
                continue
            for sign in ("", "-"):
                result.append((f"{name} sorted {sign}{field_name}", f"{changelist}?{ORDER_VAR}={sign}{index}"))
        for list_filter in model_admin.list_filter:
            parameter = _filter_sample(model, list_filter)
            if parameter:
                result.append((f"{name} filtered {parameter}", f"{changelist}?{parameter}"))
        if model_admin.date_hierarchy:
            year = _sample_year(model, model_admin.date_hierarchy)
            if year:
                result.append((f"{name} year {year}", f"{changelist}?{model_admin.date_hierarchy}__year={year}"))
        obj = Meeting.objects.get(slug=bench_pages.STAFF_MEETING_SLUG) if model is Meeting else _large_record(model)
        if obj is not None:
            result.append((f"{name} change", reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])))
        if model_admin.has_add_permission(request):
            result.append((f"{name} add", reverse(f"admin:{opts.app_label}_{opts.model_name}_add")))
        if obj is not None and model_admin.has_delete_permission(request, obj):
            # The confirmation page only: it lists what the delete would take with it.
            result.append((f"{name} delete", reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])))
        if obj is not None and "delete_selected" in model_admin.get_actions(request):
            # «Delete selected» on every row of the list ("select all N"): its confirmation page.
            form = {"action": "delete_selected", "select_across": "1", "index": "0", "_selected_action": str(obj.pk)}
            result.append((f"{name} delete all selected", (changelist, form)))
        for field_name in model_admin.autocomplete_fields:
            # The list a picker opens with, and its answer to the first letters of a common word.
            for label, term in (("opened", ""), ("typed", AUTOCOMPLETE_TERM)):
                query = urllib.parse.urlencode(
                    {"app_label": opts.app_label, "model_name": opts.model_name, "field_name": field_name, "term": term}
                )
                result.append((f"{name} autocomplete {field_name} {label}", f"{reverse('admin:autocomplete')}?{query}"))
    return result


def workspace_pages():
    from django.urls import reverse

    return [
        ("workspace dashboard", reverse("staff:dashboard")),
        ("workspace meetings", reverse("staff:meeting_list")),
        ("workspace organisations to review", reverse("staff:organization_review")),
        ("admin index", reverse("admin:index")),
    ]


def _sortable(model_admin, model, field_name):
    from django.core.exceptions import FieldDoesNotExist

    if field_name == "__str__":
        return False
    try:
        model._meta.get_field(field_name)
        return True
    except FieldDoesNotExist:
        attribute = getattr(model_admin, field_name, None)
        return getattr(attribute, "admin_order_field", None) is not None


def _filter_sample(model, list_filter):
    """A query string choosing the filter's first real option, or ``None``."""
    if isinstance(list_filter, tuple):
        list_filter = list_filter[0]
    if not isinstance(list_filter, str):
        choices = getattr(list_filter, "lookups", None)
        if choices is None:
            return None
        parameter = list_filter.parameter_name
        try:
            options = list(list_filter.lookups(list_filter, None, None))
        except Exception:  # noqa: BLE001 — a filter that needs a request is skipped
            return None
        return f"{parameter}={urllib.parse.quote(str(options[0][0]))}" if options else None
    path = list_filter.split("__")
    field = model._meta.get_field(path[0])
    for part in path[1:]:
        field = field.related_model._meta.get_field(part)
    if field.is_relation:
        value = field.related_model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        return f"{list_filter}__id__exact={value}" if value is not None else None
    if field.choices:
        return f"{list_filter}__exact={urllib.parse.quote(str(field.choices[0][0]))}"
    if field.get_internal_type() == "BooleanField":
        return f"{list_filter}__exact=1"
    return None


def _sample_year(model, date_field):
    from django.db.models import Max

    value = model._default_manager.aggregate(latest=Max(date_field))["latest"]
    return value.year - 1 if value else None


def _large_record(model):
    """The record of ``model`` with the most rows pointing at it (the heaviest change form), or the last."""
    from django.db.models import Count

    reverse_relations = [
        relation for relation in model._meta.related_objects if relation.one_to_many and not relation.hidden
    ]
    manager = model._default_manager
    if reverse_relations and manager.count() <= 20000:
        accessor = reverse_relations[0].name
        return manager.annotate(_n=Count(accessor)).order_by("-_n", "pk").first()
    return manager.order_by("-pk").first()


def measure(client, path, repeat):
    """``path`` is an address, or ``(address, form)`` for a POST (an action's confirmation page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if isinstance(path, tuple):
        address, form = path

        def ask():
            return client.post(address, form)
    else:

        def ask():
            return client.get(path)

    ask()  # warm-up: templates compiled, caches filled
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = ask()
            times.append((time.perf_counter() - started) * 1000)
        if times[-1] > 2000:
            break
    return response.status_code, statistics.median(times), len(queries), len(response.content)


def main(argv=None, *, description=__doc__, budget=500, run_pages=None):
    """Parse the options, set up Django on the database in-process (DEBUG off, static files
    collected into a temporary folder), then ``run_pages(options)``: this script's pages by
    default; ``bench_workspace.py`` passes its own."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sanad_bench")
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=budget, help="milliseconds; slower pages are listed at the end")
    options = parser.parse_args(argv)

    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("PAGE_CACHE", "0")
    static_root = tempfile.mkdtemp(prefix="sanad-bench-static-")
    os.environ["STATIC_ROOT"] = static_root  # DEBUG is off: the pages need the collected, hashed files
    try:
        bench_pages.setup_django(options.database)
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        (run_pages or run)(options)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def run(options):
    from django.test import Client

    bench_pages.staff_fixture()
    from django.contrib.auth import get_user_model

    from django.test import RequestFactory

    user = get_user_model().objects.get(username=bench_pages.STAFF_USERNAME)
    client = Client()
    client.force_login(user)
    request = RequestFactory().get("/")
    request.user = user
    pages = [(name, path) for name, path in workspace_pages() + admin_pages(request) if options.only in name]
    print(f"| page | status | ms | statements | KB |\n|---|---|---|---|---|", flush=True)
    slow, failed = [], []
    for name, path in pages:
        status, ms, statements, size = measure(client, path, options.repeat)
        print(f"| {name} | {status} | {ms:,.0f} | {statements} | {size / 1024:,.1f} |", flush=True)
        if status != 200:
            failed.append((name, path, status))
        if ms > options.budget:
            slow.append((name, path, ms))
    print(f"\n{len(pages)} pages; {len(slow)} over {options.budget:.0f} ms; {len(failed)} not 200")
    for name, path, ms in slow:
        print(f"  slow: {name}: {ms:,.0f} ms  {path}")
    for name, path, status in failed:
        print(f"  status {status}: {name}  {path}")


if __name__ == "__main__":
    main()
