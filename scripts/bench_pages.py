#!/usr/bin/env python
"""Page benchmark: real gunicorn on generated data, every public page under load.

    .venv/bin/python scripts/bench_pages.py --generate      # create sanad_bench (100k meetings), then measure
    .venv/bin/python scripts/bench_pages.py                 # measure an existing sanad_bench
    make bench                                              # the same as the line above

Not a test: it prints figures for docs/performance.md. What it does:

1. With ``--generate``: creates the database (``sanad_bench`` on the server of
   ``BENCH_DATABASE_URL``, default postgres://postgres@127.0.0.1:5432/, UTF-8), migrates it
   and fills it with ``generate_data`` (100,000 meetings, 1,000,000 recommendations, 5,000
   organisations, 10,000 people by default). Otherwise it migrates the existing one.
2. Adds what the staff form needs: a staff user and a draft meeting with 20 participants
   and 20 recommendations (created once, found again on later runs).
3. Collects the static files to a temporary directory and starts gunicorn (3 sync workers,
   DEBUG off, a SECRET_KEY set) on 127.0.0.1, once with ``PAGE_CACHE=0`` and once with
   ``PAGE_CACHE=1`` (``--cache`` chooses), without worker recycling (a recycled worker
   loses its local-memory page cache; ``--redis URL`` shares one through Redis instead),
   and warms every worker with a burst of trivial requests.
4. For each page: a warm-up request (with the page cache in each worker's memory, a short
   load, so that every worker has stored the page: ``warm_up``), ``--sequential`` requests
   one after the other (the latency of a page on a quiet server), then a load of ``--requests`` requests from
   ``--concurrency`` client threads (at most ``--seconds`` seconds): requests/s, p50 and
   p99 of the latency under load, and the throughput as a share of the trivial view's
   (``/robots.txt``, same gunicorn). Loopback only; new connection per request (gunicorn's
   sync workers do not keep connections alive).

``--without-templates`` serves the public views with their templates replaced by nothing
(``scripts/bench_without_templates.py``): uncached, the five main pages by default. Their
throughput is the ceiling of any template engine while the views read the data as they do.
``--sql-only`` goes further (``scripts/bench_sql_only.py``): each page's SQL statements sent
through a raw cursor, no ORM and no template: the ceiling of any hand-written data layer;
and the trivial view after 1 to 9 trivial statements, the cost of a round trip alone.
``--sql-only --with-frame`` adds to each page's SQL the empty frame every public page
renders (head, header, search box, footer), and measures that frame alone: the ceiling of
any page that still renders the frame with Django templates and asks what it asks today.
``--reference`` measures, beside the five main pages, the point of comparison the issue set
its target by (``scripts/bench_reference.py``): a textbook ``ListView`` of the published
meetings with ``select_related`` and ``paginate_by = 20``, with and without its count, on a
page of its own and inside the portal's frame, with whole rows and with the columns a card
shows.

The client runs on the same machine as the server and takes some of its CPU: ratios
compare pages with each other, fairly; absolute requests/s depend on the machine.
"""

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
HOST = "127.0.0.1"
STAFF_USERNAME = "bench-staff"
STAFF_PASSWORD = "bench-Sanad-2022"
STAFF_MEETING_SLUG = "bench-staff-form-20x20"
SECRET_KEY = "benchmark-only-secret-key-not-for-production-0123456789"
WORKERS = 3  # gunicorn's sync workers, as the issue measured
# Pages that must reach 20 % of the trivial view uncached (80 % cached).
THROUGHPUT_PAGES = {"home", "meetings", "meeting", "recommendations", "recommendation"}


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- Database ---------------------------------------------------------------------------------


def create_database(name):
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )


def setup_django(name):
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{name}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "sanad.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("EMAIL_ALLOW_CONSOLE", "1")  # the benchmark sends no mail
    os.environ["SECRET_KEY"] = SECRET_KEY
    import django

    django.setup()


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def rolled_back():
    """``with rolled_back():`` — the block runs in a transaction that is then rolled back (a
    benchmark's writes leave the data as they found it)."""
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


class TimedStatements:
    """``with TimedStatements() as timed:`` — every SQL statement sent on Django's connection
    meanwhile, as ``(seconds, sql)`` in ``timed.statements``; ``timed.seconds`` the whole block."""

    def __enter__(self):
        from django.db import connection

        self.statements = []
        self._wrapper = connection.execute_wrapper(self._timed)
        self._wrapper.__enter__()
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._started
        return self._wrapper.__exit__(*exc)

    def _timed(self, execute, sql, *args):
        began = time.perf_counter()
        try:
            return execute(sql, *args)
        finally:
            self.statements.append((time.perf_counter() - began, sql))

    @property
    def in_database(self):
        return sum(took for took, _sql in self.statements)

    def print_slowest(self, count, indent=9):
        for took, sql in sorted(self.statements, key=lambda row: row[0], reverse=True)[:count]:
            print(f"{' ' * indent}{took * 1000:8.1f} ms  {' '.join(sql.split())[:110]}")


def staff_fixture():
    """A superuser and a draft meeting with 20 participants and 20 recommendations."""
    from django.contrib.auth import get_user_model

    from meetings.models import Governorate, Meeting, Participation, Person, Recommendation

    user, _created = get_user_model().objects.get_or_create(
        username=STAFF_USERNAME, defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_password(STAFF_PASSWORD)
    user.is_staff = user.is_superuser = True
    user.save()
    meeting = Meeting.objects.filter(slug=STAFF_MEETING_SLUG).first()
    if meeting is None:
        meeting = Meeting.objects.create(
            title="اجتماع لقياس استمارة التحرير", slug=STAFF_MEETING_SLUG, date="2024-05-01",
            governorate=Governorate.objects.get(slug="marib"), status=Meeting.Status.DRAFT,
        )
        people = list(Person.objects.order_by("pk")[:20])
        Participation.objects.bulk_create(
            [Participation(meeting=meeting, person=person, order=order) for order, person in enumerate(people)]
        )
        Recommendation.objects.bulk_create(
            [Recommendation(meeting=meeting, order=order, text=f"توصية رقم {order} لتحسين التنسيق بين الجهات")
             for order in range(1, 21)]
        )
    return meeting


def sample_records():
    """``(meeting, recommendation)`` that the benchmarks read: a published meeting from the
    middle of the newest thousand, and its first recommendation (any, if it has none)."""
    from meetings.models import Meeting, Recommendation

    published = Meeting.objects.published().order_by("-date", "-pk")
    meeting = published[len(published.values("pk")[:1000]) // 2]
    recommendations = Recommendation.objects.published().order_by("-meeting__date", "-meeting_id", "order")
    return meeting, recommendations.filter(meeting=meeting).first() or recommendations.first()


def pages():
    """``[(name, path)]``: every public page, deep pages by their keyset cursors, both languages."""
    from django.db.models import Count

    from meetings.models import Governorate, Meeting, Organization, Project, Recommendation, Tag

    published = Meeting.objects.published().order_by("-date", "-pk")
    meeting, recommendation = sample_records()
    deep_meeting = published.values_list("date", "pk")[500 * 20 - 1]
    recommendations = Recommendation.objects.published().order_by("-meeting__date", "-meeting_id", "order")
    deep_recommendation = recommendations.values_list("meeting__date", "meeting_id", "order")[500 * 20 - 1]
    organizations = Organization.objects.published().order_by("kind", "name_ar", "pk")
    # The busiest organisation: the worst case of an organisation's page.
    busiest = (
        Organization.objects.published().annotate(n=Count("involvements")).order_by("-n").values("slug", "name", "pk")[0]
    )
    # The last page (100 organisations a page; there are no 500 pages of them).
    deep_organization = organizations.values_list("kind", "name_ar", "pk")[max(0, organizations.count() - 50)]
    quiet = (
        Organization.objects.published().annotate(n=Count("involvements")).order_by("n", "pk").values("slug")[0]
    )
    project = (
        Project.objects.published().annotate(n=Count("meetings")).order_by("-n").values_list("slug", flat=True).first()
    )
    tag = Tag.objects.published().annotate(n=Count("meetings")).order_by("-n").values_list("slug", flat=True).first()
    # The search's worst filter: the organisation addressed by the most recommendations while a
    # word in one of six of them still finds fewer than the count's cap (1,000), so that every
    # one of its recommendations is tested (docs/search.md).
    middling = (
        Organization.objects.published().annotate(n=Count("addressed_recommendations")).filter(n__lte=6000)
        .order_by("-n", "pk").values_list("slug", flat=True).first()
    )
    quote = urllib.parse.quote
    marib = Governorate.objects.get(slug="marib").slug
    result = [
        ("robots.txt (trivial)", "/robots.txt"),
        ("home", "/"),
        ("home (en)", "/en/"),
        ("meetings", "/meetings/"),
        ("meetings (en)", "/en/meetings/"),
        ("meetings page 500", f"/meetings/?after={deep_meeting[0].isoformat()}.{deep_meeting[1]}"),
        ("meeting", meeting.get_absolute_url()),
        ("meeting (en)", f"/en{meeting.get_absolute_url()}"),
        ("recommendations", "/recommendations/"),
        ("recommendations (en)", "/en/recommendations/"),
        ("recommendations page 500",
         f"/recommendations/?after={deep_recommendation[0].isoformat()}.{deep_recommendation[1]}.{deep_recommendation[2]}"),
        ("recommendation", f"/recommendations/{recommendation.pk}/"),
        ("organizations", "/organizations/"),
        ("organizations last page",
         f"/organizations/?after={deep_organization[0]}.{quote(deep_organization[1])}.{deep_organization[2]}"),
        ("organization (busiest)", f"/organizations/{quote(busiest['slug'])}/"),
        ("organization (quiet)", f"/organizations/{quote(quiet['slug'])}/"),
        # The lists filtered by an organisation, as its page links them (by slug).
        ("meetings of the busiest organization", f"/meetings/?organization={quote(busiest['slug'])}"),
        ("recommendations to the busiest organization", f"/recommendations/?addressee={quote(busiest['slug'])}"),
        ("governorate marib", f"/governorates/{marib}/"),
        ("governorates", "/governorates/"),
        ("projects", "/projects/"),
    ]
    if project:
        result.append(("project (busiest)", f"/projects/{quote(project)}/"))
    if tag:
        result.append(("tag (busiest)", f"/tags/{quote(tag)}/"))
    result += [
        ("feed meetings rss", "/feeds/meetings/rss/"),
        ("feed meetings atom", "/feeds/meetings/atom/"),
        ("feed governorate rss", f"/feeds/governorates/{marib}/rss/"),
        ("feed organization rss", f"/feeds/organizations/{quote(busiest['slug'])}/rss/"),
        ("feed updates rss", "/feeds/recommendation-updates/rss/"),
        ("calendar", "/calendar/meetings.ics"),
        ("calendar marib", f"/calendar/governorates/{marib}.ics"),
        ("sitemap.xml", "/sitemap.xml"),
        ("sitemap meetings (a page)", "/sitemap-meetings.xml?p=2"),
        ("sitemap recommendations (a page)", "/sitemap-recommendations.xml?p=1000"),
        ("sitemap organisations", "/sitemap-organisations.xml?p=2"),
        ("sitemap tags", "/sitemap-tags.xml"),
        ("search مأرب", f"/search/?q={quote('مأرب')}"),
        ("search (en)", f"/en/search/?q={quote('مأرب')}"),
    ]
    if middling:
        result += [
            ("search حقوق, a middling organization", f"/search/?q={quote('حقوق')}&organization={quote(middling)}"),
            # Its page and the recommendations addressed to it: too many to read all for a page,
            # too few to come soon when the newest are walked (docs/performance.md, session 28).
            ("organization (middling)", f"/organizations/{quote(middling)}/"),
            ("recommendations to a middling organization", f"/recommendations/?addressee={quote(middling)}"),
        ]
    result += [
        # The statistics page (meetings/figures.py) under each kind of filter, a CSV, the PDFs.
        ("statistics", "/statistics/"),
        ("statistics (en)", "/en/statistics/"),
        ("statistics 2020–2022", "/statistics/?date_from=2020-01-01&date_to=2022-12-31"),
        ("statistics marib", f"/statistics/?governorate={marib}"),
        ("statistics organization (busiest)", f"/statistics/?organization={quote(busiest['slug'])}"),
        ("statistics csv", "/statistics/implemented-by-organization.csv"),
        ("meeting pdf", f"/meetings/{meeting.pk}/minutes.pdf"),
        ("meeting pdf (en)", f"/en/meetings/{meeting.pk}/minutes.pdf"),
    ]
    if project:
        result.append(("project pdf (busiest)", f"/projects/{quote(project)}/report.pdf"))
    return result


# --- HTTP ---------------------------------------------------------------------------------------


def request(port, path, headers=None, method="GET", body=None):
    """``(status, seconds, body, response headers)`` of one request on a new connection."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
        response = connection.getresponse()
        data = response.read()
        return response.status, time.perf_counter() - started, data, response.getheaders()
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started, b"", []
    finally:
        connection.close()


def log_in(port):
    """The session cookie of the staff user (the login form, as a browser submits it)."""
    status, _t, body, headers = request(port, "/accounts/login/")
    cookies = dict(
        value.split(";", 1)[0].split("=", 1) for name, value in headers if name.lower() == "set-cookie"
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": STAFF_USERNAME, "password": STAFF_PASSWORD}
    )
    status, _t, _body, headers = request(
        port, "/accounts/login/", method="POST", body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookies['csrftoken']}",
                 "Referer": f"http://localhost:{port}/accounts/login/"},
    )
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("sessionid="):
            return value.split(";", 1)[0]
    raise RuntimeError(f"log-in failed ({status})")


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def load(port, path, *, requests, seconds, concurrency, headers=None):
    """Drive ``path`` with ``concurrency`` threads: ``(requests/s, p50, p99, errors)``."""
    latencies, errors, lock = [], [], threading.Lock()
    issued = [0]
    deadline = time.perf_counter() + seconds

    def worker():
        while True:
            with lock:
                if issued[0] >= requests or time.perf_counter() > deadline:
                    return
                issued[0] += 1
            status, elapsed, _body, _headers = request(port, path, headers)
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(status)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return len(latencies) / wall, percentile(latencies, 0.5), percentile(latencies, 0.99), errors


# --- gunicorn -------------------------------------------------------------------------------------


class Server:
    def __init__(self, *, code, database_url, port, page_cache, static_root, redis_url=None, app=None):
        self.port = port
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": SECRET_KEY,
            "PAGE_CACHE": "1" if page_cache else "0",
            "STATIC_ROOT": str(static_root),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "LOG_LEVEL": "ERROR",
            # gunicorn.conf.py (read from the served checkout) recycles a worker after about
            # 1,000 requests; a recycled worker starts with an empty local-memory page cache and
            # its start-up (~1.5 s) lands in some page's p99. Off while measuring; with
            # --redis the cache is shared and survives a recycled worker, as in production.
            "GUNICORN_MAX_REQUESTS": "0",
            "GUNICORN_ACCESS_LOG": "/dev/null",
        }
        if redis_url:
            env["REDIS_URL"] = redis_url
        env.pop("DJANGO_SETTINGS_MODULE", None)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        # A ceiling instead of the portal: the views of the served checkout without their
        # templates (bench_without_templates), or their SQL alone (bench_sql_only), from this
        # checkout's scripts.
        served = ["--pythonpath", str(ROOT / "scripts"), f"{app}:application"] if app else ["sanad.wsgi:application"]
        self.process = subprocess.Popen(
            [str(gunicorn), *served, "--workers", str(WORKERS), "--worker-class", "sync",
             "--bind", f"{HOST}:{port}", "--timeout", "30", "--log-level", "warning"],
            cwd=code, env=env, start_new_session=True,
        )
        for _ in range(120):
            if request(port, "/robots.txt")[0] == 200:
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def collect_static(code, database_url, static_root):
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "SECRET_KEY": SECRET_KEY,
           "STATIC_ROOT": str(static_root)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=code, env=env, check=True)


def warm_up(port, path, headers, *, every_worker, concurrency):
    """One more request, or, with the page cache in each worker's own memory, enough that every
    worker has stored the page before "alone" is measured. A worker stores a page on the
    second request it gets for it (PAGE_CACHE_MIN_USES), and requests sent one at a time do
    not reach every worker: the worker that has just answered takes the next connection too
    (40 in a row went to two of the three workers). So the warm-up is a short load from
    ``concurrency`` threads, which keeps every worker busy: 20 requests per worker."""
    if every_worker:
        load(port, path, requests=20 * WORKERS, seconds=5, concurrency=concurrency, headers=headers)
    else:
        request(port, path, headers)


def measure(options, page_list, staff_path, page_cache):
    static_root = Path(tempfile.mkdtemp(prefix="sanad-bench-static-"))
    database_url = f"{SERVER_URL}/{options.database}"
    rows = []
    try:
        collect_static(options.code, database_url, static_root)
        server = Server(code=options.code, database_url=database_url, port=options.port, page_cache=page_cache,
                        static_root=static_root, redis_url=options.redis, app=options.ceiling)
        try:
            cookie = log_in(server.port)
            # Every worker past its first requests (imports, connections, template loading)
            # before the trivial view, the reference of every ratio, is measured.
            load(server.port, "/robots.txt", requests=600, seconds=3, concurrency=options.concurrency)
            targets = [(name, path, None) for name, path in page_list]
            if not options.ceiling:
                targets.append(("staff edit form 20×20", staff_path, {"Cookie": cookie}))
            for name, path, headers in targets:
                first = request(server.port, path, headers)
                slow = first[0] != 200 or first[1] * 1000 > options.slow_ms
                if not slow:
                    warm_up(server.port, path, headers, every_worker=page_cache and not options.redis,
                            concurrency=options.concurrency)
                sequential = []
                status = None
                size = 0
                for _ in range(1 if slow else options.sequential):
                    status, elapsed, body, _h = request(server.port, path, headers)
                    sequential.append(elapsed)
                    size = len(body)
                if slow:
                    # A page that takes seconds alone would hold the load for minutes: its
                    # throughput is what one request at a time per worker would give at best.
                    alone = statistics.median(sequential)
                    rate, p50, p99, errors = 3 / alone, float("nan"), float("nan"), [status] if status != 200 else []
                else:
                    rate, p50, p99, errors = load(
                        server.port, path, requests=options.requests, seconds=options.seconds,
                        concurrency=options.concurrency, headers=headers,
                    )
                row = {"page": name, "path": path, "status": status, "bytes": size,
                       "alone_ms": statistics.median(sequential) * 1000, "rps": rate,
                       "p50_ms": p50 * 1000, "p99_ms": p99 * 1000, "errors": len(errors)}
                rows.append(row)
                log(f"{name}: {status}, alone {row['alone_ms']:.0f} ms, {rate:.1f}/s, p50 {row['p50_ms']:.0f} ms")
        finally:
            server.stop()
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    trivial = rows[0]["rps"] or 1
    for row in rows:
        row["ratio"] = row["rps"] / trivial
    return rows


def report(rows, title):
    print()
    print(f"### {title}")
    print()
    print("| page | status | size | alone p50 | req/s (c=8) | p50 | p99 | % of trivial |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        loaded = row["p50_ms"] == row["p50_ms"]  # not NaN: the load ran
        rate = f"{row['rps']:.1f}" if loaded else f"~{row['rps']:.1f} (not loaded)"
        p50 = f"{row['p50_ms']:.0f} ms" if loaded else "–"
        p99 = f"{row['p99_ms']:.0f} ms" if loaded else "–"
        print(f"| {row['page']} | {row['status']}{' (' + str(row['errors']) + ' errors)' if row['errors'] else ''} "
              f"| {row['bytes'] // 1024} KB | {row['alone_ms']:.0f} ms | {rate} | {p50} | {p99} "
              f"| {row['ratio'] * 100:.1f} % |")
    sys.stdout.flush()


def check_targets(rows, cached):
    """The issue's targets: every page 200 and quick alone; the main pages' share of the trivial view;
    deep pages within 1.5× of the first (and 2 ms: a cached page takes 0–1 ms)."""
    failures = []
    by_name = {row["page"]: row for row in rows}
    for row in rows:
        if row["status"] != 200 or row["errors"]:
            failures.append(f"{row['page']}: status {row['status']}, {row['errors']} errors")
        if not cached and row["alone_ms"] > 100 and not row["page"].startswith("staff"):
            failures.append(f"{row['page']}: {row['alone_ms']:.0f} ms alone (target ≤ 100 ms)")
        if row["page"] in THROUGHPUT_PAGES and row["ratio"] < (0.8 if cached else 0.2):
            failures.append(f"{row['page']}: {row['ratio'] * 100:.1f} % of the trivial view")
    for deep, first in (("meetings page 500", "meetings"), ("recommendations page 500", "recommendations"),
                        ("organizations last page", "organizations")):
        if deep in by_name and first in by_name and by_name[deep]["alone_ms"] > max(1.5 * by_name[first]["alone_ms"], by_name[first]["alone_ms"] + 2):
            failures.append(f"{deep}: {by_name[deep]['alone_ms']:.0f} ms, first page {by_name[first]['alone_ms']:.0f} ms")
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sanad_bench")
    parser.add_argument("--generate", action="store_true", help="create and fill the database first")
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--recommendations", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=5_000)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--requests", type=int, default=3000, help="at most this many requests per page under load (3000)")
    parser.add_argument("--seconds", type=float, default=4, help="at most this long per page under load (4; a cached page needs about 1 s for 3,000)")
    parser.add_argument("--sequential", type=int, default=5, help="requests one at a time per page (5)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--slow-ms", type=float, default=1500,
                        help="a page slower than this alone is not loaded (its req/s is estimated, marked ~)")
    parser.add_argument("--cache", choices=("0", "1", "both"), default="both")
    parser.add_argument("--code", default=str(ROOT), help="the checkout gunicorn serves (to measure another version)")
    parser.add_argument("--redis", metavar="URL",
                        help="serve with REDIS_URL=URL (a page cache shared by the workers), e.g. redis://127.0.0.1:6379/0")
    parser.add_argument("--no-migrate", action="store_true", help="leave the database schema as it is")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--pages", help="measure only the pages whose name matches this regular expression")
    # Each of these serves another portal in place of the real one: one at a time.
    served = parser.add_mutually_exclusive_group()
    served.add_argument("--without-templates", action="store_true",
                        help="uncached, the public views with their templates replaced by nothing: the ceiling of "
                             "any template engine (scripts/bench_without_templates.py); no targets checked")
    served.add_argument("--sql-only", action="store_true",
                        help="uncached, each page's SQL sent through a raw cursor, no ORM, no template: the ceiling of "
                             "any hand-written data layer (scripts/bench_sql_only.py); no targets checked")
    served.add_argument("--reference", action="store_true",
                        help="uncached, the five main pages beside the issue's reference, a textbook ListView with "
                             "select_related (scripts/bench_reference.py); no targets checked")
    parser.add_argument("--with-frame", action="store_true",
                        help="with --sql-only: each page also renders the empty frame every public page shares "
                             "(meetings/base.html), and the frame alone is measured too")
    options = parser.parse_args(argv)
    if options.with_frame and not options.sql_only:
        parser.error("--with-frame goes with --sql-only")
    if options.with_frame:
        os.environ["BENCH_FRAME"] = "1"  # read by scripts/bench_sql_only.py in gunicorn's workers
    options.ceiling = ("bench_without_templates" if options.without_templates
                       else "bench_sql_only" if options.sql_only
                       else "bench_reference" if options.reference else None)
    if options.ceiling:
        options.cache = "0"

    if options.generate:
        create_database(options.database)
    setup_django(options.database)
    from django.core.management import call_command
    from django.db import connections

    if not options.no_migrate:
        call_command("migrate", verbosity=0)
    if options.generate:
        from meetings.generate import Progress, generate

        generate(meetings=options.meetings, recommendations=options.recommendations,
                 organizations=options.organizations, people=options.people, seed=options.seed,
                 progress=Progress(sys.stderr))
    meeting = staff_fixture()
    page_list = pages()
    if options.ceiling and not options.pages:
        options.pages = "^(" + "|".join(sorted(THROUGHPUT_PAGES)) + r")( \(en\))?$"
    if options.pages:
        # The trivial view stays first: every ratio is to it.
        page_list = page_list[:1] + [page for page in page_list[1:] if re.search(options.pages, page[0])]
    if options.sql_only:
        # What round trips alone cost: the trivial view after 1, 3, 6 and 9 trivial statements.
        page_list += [(f"robots.txt + {count} × SELECT 1", f"/robots.txt?statements={count}") for count in (1, 3, 6, 9)]
    if options.with_frame:
        # The floor of any page that renders the frame: the frame alone, then after one statement.
        page_list += [("frame alone", "/robots.txt?frame=1"), ("frame + 1 × SELECT 1", "/robots.txt?frame=1&statements=1")]
    if options.reference:
        # The point of comparison, on the same gunicorn as the pages above.
        page_list += [
            ("reference list", "/robots.txt?reference=list"),
            ("reference list, no count", "/robots.txt?reference=list&count=0"),
            ("reference list in the frame", "/robots.txt?reference=list&frame=1"),
            ("reference list in the frame, no count", "/robots.txt?reference=list&frame=1&count=0"),
            ("reference list, narrow rows", "/robots.txt?reference=list&narrow=1"),
            ("reference list, narrow rows, no count", "/robots.txt?reference=list&narrow=1&count=0"),
        ]
    staff_path = f"/staff/meetings/{meeting.pk}/edit/"
    connections.close_all()

    from meetings.models import Meeting, Organization, Person, Recommendation

    described = (f"{Meeting.objects.count()} meetings, {Recommendation.objects.count()} recommendations, "
                 f"{Organization.objects.count()} organisations, {Person.objects.count()} people")
    connections.close_all()
    results, failures = {}, []
    for cached in ((False, True) if options.cache == "both" else (options.cache == "1",)):
        rows = measure(options, page_list, staff_path, cached)
        results["cached" if cached else "uncached"] = rows
        if options.ceiling:
            what = ("public views without their templates" if options.without_templates
                    else "the pages beside the issue's reference list" if options.reference
                    else "each page's SQL and the empty frame" if options.with_frame else "each page's SQL alone")
            report(rows, f"PAGE_CACHE=0, {what} — {described}")
            continue
        report(rows, f"PAGE_CACHE={int(cached)} — {described}")
        failures += [f"PAGE_CACHE={int(cached)}: {failure}" for failure in check_targets(rows, cached)]
    print()
    if options.ceiling:
        print("No target checked: the reference is not one of the portal's pages." if options.reference
              else "No target checked: these are not the pages, only a part of what they do.")
    elif failures:
        print("Targets missed:")
        for failure in failures:
            print(f"- {failure}")
    else:
        print("Every target met.")
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
