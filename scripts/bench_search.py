#!/usr/bin/env python
"""Search benchmark on PostgreSQL: 1,000,000 recommendations and 100,000 meetings.

    .venv/bin/python scripts/bench_search.py                # generate, measure, drop the database
    .venv/bin/python scripts/bench_search.py --keep         # keep the database for a second look
    .venv/bin/python scripts/bench_search.py --reuse        # measure a kept database again
    .venv/bin/python scripts/bench_search.py --reuse --no-migrate --database sanad_bench
                                                            # measure a database generated elsewhere, as it is
    .venv/bin/python scripts/bench_search.py --sizes-only   # generate, print the index sizes, drop

The database is ``sanad_searchbench`` unless ``--database`` or ``BENCH_DATABASE_NAME`` names
another: other benchmarks use ``sanad_bench`` on the same server, and this script drops and
recreates its database.

Not a test: it prints latencies for docs/search.md. What it does:

1. Creates a dedicated database (``sanad_searchbench`` by default, dropped first if it exists)
   on the server of ``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/),
   with a UTF-8 locale, and migrates it.
2. Fills it with the project's generator (meetings/generate.py, ``manage.py generate_data``):
   Arabic text from the words of the Marib sample shipped in meetings/data/ and of the demo
   data, with their spelling variants (hamza or not, ة or ه, ى or ي, clitics) and a long
   tail of rare words, drawn with a Zipf distribution; search columns as the application
   computes them; rows written with COPY, the GIN indexes built afterwards.
3. (Nothing else: publicity and summary counts are recomputed by the generator.)
4. Measures, warm, for *selective* queries (each finding fewer than 10,000
   recommendations), *medium* ones (10,000–100,000) and *broad* ones (more than 100,000):
   the database time of every statement the search runs (planning and execution time
   from ``EXPLAIN ANALYZE``, summed), the search function end to end, and the whole page
   through Django's test client, for the "all results" page and the recommendations tab.
   Prints p50 and p95.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
DATABASE_NAME = os.environ.get("BENCH_DATABASE_NAME", "sanad_searchbench")



def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- The database -------------------------------------------------------------------------------


def create_database(name):
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )


def drop_database(name):
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(name):
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanad.settings")
    # DEBUG off: with it on, Django keeps every query in memory and the measurement of
    # the queries each search runs (CaptureQueriesContext) breaks after 9,000 of them.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("EMAIL_ALLOW_CONSOLE", "1")  # no mail is sent; DEBUG off would refuse the console backend
    # The page cache (meetings/page_cache.py) would answer every repeated request from memory:
    # the "page" column measures the page itself, so every request is computed.
    os.environ["PAGE_CACHE"] = "0"
    import django

    django.setup()


def generate(*, meetings, recommendations, organizations, people, seed):
    """The records, with the project's generator (meetings/generate.py: ``manage.py generate_data``)."""
    from meetings.generate import Progress, generate as generate_records

    started = time.monotonic()
    counts = generate_records(
        meetings=meetings, recommendations=recommendations, organizations=organizations, people=people,
        seed=seed, progress=Progress(sys.stderr),
    )
    log(f"generated in {time.monotonic() - started:.0f} s: {counts}")


# --- Sizes --------------------------------------------------------------------------------------


def report_sizes():
    """The on-disk size of what search adds: the GIN indexes of the tsvector columns, and each
    searchable table with its TOAST (where the search columns and stored vectors live)."""
    from django.db import connection

    from search.schema import SEARCH_TABLES, vector_index

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        total_gin = total_tables = 0
        for table in SEARCH_TABLES:
            names = [vector_index(table, language) for language in ("ar", "en")]
            cursor.execute("SELECT coalesce(sum(pg_relation_size(c.oid)), 0) FROM pg_class c WHERE c.relname = ANY(%s)", [names])
            gin = cursor.fetchone()[0]
            cursor.execute("SELECT pg_table_size(%s::regclass), pg_total_relation_size(%s::regclass)", [table, table])
            heap, total = cursor.fetchone()
            total_gin += gin
            total_tables += heap
            log(f"size {table}: GIN vector indexes {gin / 2**20:.0f} MB, table with TOAST {heap / 2**20:.0f} MB, "
                f"with all indexes {total / 2**20:.0f} MB")
        cursor.execute("SELECT pg_database_size(current_database())")
        log(f"size: GIN vector indexes {total_gin / 2**20:.0f} MB, searchable tables {total_tables / 2**20:.0f} MB, "
            f"database {cursor.fetchone()[0] / 2**20:.0f} MB")


# --- Measurement --------------------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def choose_queries(count_selective, count_medium, count_broad, seed):
    """Words that find 20–10,000 recommendations (selective), 10,000–100,000 (medium: broad
    by the target's measure, but still counted or ranked from the GIN index) and more than
    100,000 (broad)."""
    from django.db import connection

    from meetings.models import Recommendation
    from search.engine import SearchQuery, matching

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT term FROM meetings_searchterm ORDER BY id")
        terms = [row[0] for row in cursor.fetchall()]
    rng.shuffle(terms)
    selective, medium, broad = [], [], []
    for term in terms[:8000]:
        if len(selective) >= count_selective and len(medium) >= count_medium and len(broad) >= count_broad:
            break
        found = matching(Recommendation.objects.all(), SearchQuery.parse(term)).order_by().values("pk")[:100_001]
        count = found.count()
        if 20 <= count < 10_000 and len(selective) < count_selective:
            selective.append((term, count))
        elif 10_000 <= count <= 100_000 and len(medium) < count_medium:
            medium.append((term, count))
        elif count > 100_000 and len(broad) < count_broad:
            broad.append((term, count))
    return selective, medium, broad


def database_time(function):
    """Run ``function`` and return the summed EXPLAIN ANALYZE execution time (ms) of its statements."""
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    total = 0.0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"].lstrip()
            if sql.startswith("EXPLAIN (FORMAT JSON) "):  # the planner's estimate: planning only
                cursor.execute("EXPLAIN (SUMMARY, FORMAT JSON) " + sql[len("EXPLAIN (FORMAT JSON) "):])
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                total += plan[0]["Planning Time"]
                continue
            if not sql.upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total += plan[0]["Planning Time"] + plan[0]["Execution Time"]
    return total, len(captured.captured_queries)


def wall_time(function, repeat=3):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def measure(seed):
    from django.conf import settings
    from django.test import Client

    from meetings.models import Meeting, Recommendation
    from search.engine import search

    settings.ALLOWED_HOSTS = ["*"]
    # Pages are rendered without a collectstatic manifest.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    print()
    print(f"Data: {Meeting.objects.count()} meetings, {Recommendation.objects.count()} recommendations")
    selective, medium, broad = choose_queries(40, 15, 15, seed)
    rng = random.Random(seed + 1)
    # Two-word selective queries: a selective word with a common one.
    common = [term for term, _count in broad]
    pairs = [f"{term} {rng.choice(common)}" for term, _count in selective[:15]] if common else []
    print(f"Selective queries: {len(selective)} words (20–10,000 recommendations each) + {len(pairs)} two-word")
    print(f"Medium queries: {len(medium)} words (10,000–100,000 recommendations each)")
    print(f"Broad queries: {len(broad)} words (more than 100,000 recommendations each)")

    def run(query, **options):
        return lambda: search(query, **options)

    client = Client()

    def page(query, kind=None):
        params = {"q": query, **({"kind": kind} if kind else {})}
        return lambda: client.get("/search/", params)

    # Warm the caches once.
    for query in [term for term, _ in selective + medium + broad] + pairs:
        search(query)
        client.get("/search/", {"q": query})

    results = {}
    classes = (
        ("selective", [term for term, _ in selective] + pairs, [term for term, _ in selective]),
        ("medium", [term for term, _ in medium], [term for term, _ in medium]),
        ("broad", [term for term, _ in broad], [term for term, _ in broad]),
    )
    for name, all_kinds_queries, tab_queries in classes:
        for label, queries, kind in (
            (f"{name}, all kinds", all_kinds_queries, None),
            (f"{name}, recommendations tab", tab_queries, "recommendations"),
        ):
            results[label] = (
                [database_time(run(query, kind=kind))[0] for query in queries],
                [wall_time(run(query, kind=kind)) for query in queries],
                [wall_time(page(query, kind)) for query in queries],
            )

    print()
    print(f"{'queries':34} {'database p50':>13} {'p95':>8} {'search() p50':>13} {'p95':>8} {'page p50':>9} {'p95':>8}")
    for label, series in results.items():
        cells = []
        for values in series:
            cells += [percentile(values, 0.5), percentile(values, 0.95)]
        print(f"{label:34} {cells[0]:10.1f} ms {cells[1]:5.1f} ms {cells[2]:10.1f} ms {cells[3]:5.1f} ms "
              f"{cells[4]:6.1f} ms {cells[5]:5.1f} ms")
    print()
    for name, found in (("Selective", selective), ("Medium", medium), ("Broad", broad)):
        counts = [count for _term, count in found]
        if counts:
            print(f"{name} words find {min(counts)}–{max(counts)} recommendations (median {statistics.median(counts)}).")
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DATABASE_NAME)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--recommendations", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=5_000)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure an existing database again (and keep it)")
    parser.add_argument("--sizes-only", action="store_true", help="print the index sizes, measure no query")
    parser.add_argument("--no-migrate", action="store_true",
                        help="with --reuse: leave the database as it is (a shared database others measure)")
    options = parser.parse_args(argv)

    if not options.reuse:
        create_database(options.database)
    setup_django(options.database)
    from django.core.management import call_command

    if options.no_migrate and not options.reuse:
        parser.error("--no-migrate only applies to --reuse")
    if not options.no_migrate:
        log(f"migrating {options.database}")
        call_command("migrate", verbosity=0)  # with --reuse: brings a kept database up to date
    if not options.reuse:
        generate(
            meetings=options.meetings,
            recommendations=options.recommendations,
            organizations=options.organizations,
            people=options.people,
            seed=options.seed,
        )
    try:
        report_sizes()
        if not options.sizes_only:
            measure(options.seed)
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep and not options.reuse:  # a database it did not create is never dropped
            drop_database(options.database)


if __name__ == "__main__":
    main()
