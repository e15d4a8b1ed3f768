#!/usr/bin/env python
"""Export benchmark: time, peak memory and queries of exporting large lists in each format.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanad_bench .venv/bin/python scripts/bench_exports.py
    .venv/bin/python scripts/bench_exports.py --case meetings: --case "recommendations:status=accepted"

Not a test: it prints a table for docs/open-data.md. It only reads the database (no migration,
no write): point DATABASE_URL at a generated one (``manage.py generate_data``; the perf
benchmark's ``sanad_bench`` holds 100,000 meetings and 1,000,000 recommendations).

Each case is ``kind:query`` (kind: meetings, recommendations or organizations; query: the list's
filters as a query string). Each (case, format) runs twice in a fresh Python process:

- untraced: wall time of the whole download (the view, then reading the streamed body to the
  end), the bytes and the peak resident memory of the process (``ru_maxrss``) against its
  resident memory just before the export (Django loaded, one warm-up export of one row);
- traced: the peak of Python allocations during the export (``tracemalloc``; slower, so its
  time is not reported) and the number of SQL queries.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The largest lists a web download may hold at 100,000 meetings (EXPORT_MAX_ROWS = 25,000;
# XLSX: EXPORT_MAX_ROWS_XLSX = 10,000); a larger list is refused (status 400, no rows read).
# Set EXPORT_MAX_ROWS / EXPORT_MAX_ROWS_XLSX in the environment to measure larger exports.
DEFAULT_CASES = [
    "meetings:date_from=2025-08-01",
    "meetings:date_from=2026-07-01",
    "recommendations:status=in_progress&governorate=aden",
    "recommendations:status=implemented&governorate=aden",
    "meetings:",
]
FORMATS = ["csv", "xlsx", "json"]


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def current_rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def setup():
    """Django as in production (DEBUG off), without a mail server or the page cache."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanad.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("EMAIL_ALLOW_CONSOLE", "1")
    os.environ["PAGE_CACHE"] = "0"
    import django

    django.setup()


def measure(kind, query, file_format, traced):
    """One export in this process; returns its figures."""
    setup()
    import tracemalloc

    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation

    from meetings.views import exports

    views = {
        "meetings": exports.meeting_export,
        "recommendations": exports.recommendation_export,
        "organizations": exports.organization_export,
    }
    translation.activate("ar")
    factory = RequestFactory()
    path = reverse(f"meetings:{kind[:-1]}_export", kwargs={"file_format": file_format})

    def download(query_string):
        request = factory.get(f"{path}?{query_string}", HTTP_HOST="localhost")
        response = views[kind](request, file_format=file_format)
        if not response.streaming:  # refused: a list larger than a download may hold
            return response.status_code, len(response.content)
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return response.status_code, size

    # Warm up (imports, the first connection, templates of the error page): a one-row export.
    download("date_from=2100-01-01")
    before = current_rss_mb()
    if traced:
        tracemalloc.start()
        with CaptureQueriesContext(connection) as queries:
            status, size = download(query)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"status": status, "bytes": size, "traced_peak_mb": peak / 1024 / 1024, "queries": len(queries)}
    started = time.perf_counter()
    status, size = download(query)
    return {
        "status": status,
        "bytes": size,
        "seconds": time.perf_counter() - started,
        "rss_before_mb": before,
        "rss_peak_mb": rss_mb(),
    }


def count_rows(kind, query):
    setup()
    from django.http import QueryDict

    from meetings.views.exports import LISTS

    form_class, published, _url = LISTS[kind]
    form = form_class(QueryDict(query))
    return form.apply(published()).count()


def run_child(*arguments):
    result = subprocess.run(
        [sys.executable, __file__, *arguments], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", action="append", help="kind:query (repeatable); default: " + ", ".join(DEFAULT_CASES))
    parser.add_argument("--format", action="append", choices=FORMATS, help="default: all three")
    parser.add_argument("--child", nargs=4, metavar=("KIND", "QUERY", "FORMAT", "TRACED"), help=argparse.SUPPRESS)
    parser.add_argument("--count", nargs=2, metavar=("KIND", "QUERY"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        kind, query, file_format, traced = options.child
        print(json.dumps(measure(kind, query, file_format, traced == "1")))
        return
    if options.count:
        print(json.dumps({"rows": count_rows(*options.count)}))
        return
    database = os.environ.get("DATABASE_URL", "sqlite (var/sanad.sqlite3)").rsplit("/", 1)[-1]
    print(f"Database: {database}\n")
    print("| Export | Rows | Format | Time | Size | Peak RSS (before → peak) | Python peak (tracemalloc) | Queries |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for case in options.case or DEFAULT_CASES:
        kind, _colon, query = case.partition(":")
        rows = run_child("--count", kind, query)["rows"]
        for file_format in options.format or FORMATS:
            timed = run_child("--child", kind, query, file_format, "0")
            traced = run_child("--child", kind, query, file_format, "1")
            print(
                f"| {kind}{'?' + query if query else ''} | {rows:,} | {file_format} "
                f"| {timed['seconds']:.1f} s{'' if timed['status'] == 200 else ' (' + str(timed['status']) + ')'} "
                f"| {timed['bytes'] / 1024 / 1024:.1f} MB | {timed['rss_before_mb']:.0f} → {timed['rss_peak_mb']:.0f} MB "
                f"| {traced['traced_peak_mb']:.1f} MB | {traced['queries']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
