#!/usr/bin/env python
"""Public pages with and without the page cache: time of a miss (the page computed and
stored) against a hit (answered from the cache), through Django's request handler.

    .venv/bin/python scripts/bench_page_cache.py                       # SQLite, local memory
    REDIS_URL=redis://127.0.0.1:6379/0 DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanad_x \\
        .venv/bin/python scripts/bench_page_cache.py --repeat 50

Not a test: it prints numbers for docs/performance-staff.md. It builds a throwaway test
database (``test_<name>``, dropped at the end) with the demo data (``load_demo``), then for
each page: the uncached time (PAGE_CACHE off), the time of a miss right after an
invalidation, and of a hit; median of ``--repeat`` runs, in milliseconds. No network and
no gunicorn: this is the application's own cost (scripts/bench_pages.py measures the
whole server).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# As the test suite (see scripts/bench_staff_form.py): no secret, no pool, plain static files.
import pytest  # noqa: E402,F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanad.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PAGES = [
    "/",
    "/meetings/",
    "/recommendations/",
    "/organizations/",
    "/governorates/marib/",
    "/feeds/meetings/rss/",
    "/calendar/meetings.ics",
    "/search/?q=%D9%85%D8%A3%D8%B1%D8%A8",
    "/sitemap.xml",
    "/en/meetings/",
]


def timed(client, url):
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, response


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from meetings import page_cache
    from meetings.models import Meeting, Recommendation

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    settings.PAGE_CACHE_GENERATION_FILE = Path(f"/tmp/bench-page-cache-{os.getpid()}")
    # Every miss stored, so that the request after it is a hit (the default stores a page on
    # its address's second request; the cost of a miss is the same).
    settings.PAGE_CACHE_MIN_USES = 1
    try:
        call_command("load_demo", verbosity=0)
        meeting = Meeting.objects.published().first()
        pages = PAGES + [meeting.get_absolute_url(), f"/recommendations/{Recommendation.objects.published().first().pk}/"]
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(f"database: {connection.vendor}; cache: {backend}; median of {args.repeat} runs, ms")
        print(f"{'page':<40} {'uncached':>9} {'miss':>9} {'hit':>9} {'hit/uncached':>13}")
        client = Client()
        for url in pages:
            settings.PAGE_CACHE = False
            timed(client, url)  # warm
            uncached = [timed(client, url)[0] for _ in range(args.repeat)]
            settings.PAGE_CACHE = True
            misses, hits = [], []
            for _ in range(args.repeat):
                page_cache.bump_generation()
                elapsed, response = timed(client, url)
                assert response[page_cache.HEADER] == "miss", url
                misses.append(elapsed)
                elapsed, response = timed(client, url)
                assert response[page_cache.HEADER] == "hit", url
                hits.append(elapsed)
            u, m, h = (statistics.median(values) for values in (uncached, misses, hits))
            print(f"{url[:40]:<40} {u:>9.2f} {m:>9.2f} {h:>9.2f} {h / u:>12.1%}", flush=True)
    finally:
        settings.PAGE_CACHE_GENERATION_FILE.unlink(missing_ok=True)
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
