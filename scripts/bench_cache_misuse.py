#!/usr/bin/env python
"""The page cache under addresses asked for once: a crawler or a script asking for made-up
query strings, and readers arriving from Facebook links (``?fbclid=…``, a new value on every
click), while other readers read the five main pages.

    .venv/bin/python scripts/bench_cache_misuse.py                      # this checkout, on sanad_bench
    .venv/bin/python scripts/bench_cache_misuse.py --code /tmp/old      # another version (before)

Not a test: it prints numbers for docs/performance.md. For each ``--min-uses`` value it
starts a Redis of its own on 127.0.0.1 (no persistence; ``--maxmemory`` to give it a limit
with LRU eviction, as the README advises), and gunicorn on the generated data
(scripts/bench_pages.py, 3 sync workers, ``PAGE_CACHE=1``, ``REDIS_URL`` on that Redis).
After the five pages have been read three times each, for ``--seconds``:

* ``--flooders`` clients ask for ``/meetings/?governorate=…&n=<random>`` and
  ``/recommendations/?n=<random>``, each address once;
* two readers go round the five pages, and a meeting's page with ``?fbclid=<random>``.

It prints how many made-up addresses were answered, how often the readers' pages and the
Facebook links came from the cache and their median time, how much the workers' memory grew,
and what Redis holds at the end: its memory, the pages stored, the counts of admission, and
the keys it evicted. ``--local`` serves without Redis (each worker's own local-memory cache,
the default set-up), where the workers' memory is what grows.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench_pages import ROOT, SERVER_URL, Server, collect_static, log, request, sample_records, setup_django

from tests.smtp import free_port

GOVERNORATES = ("marib", "taiz", "aden", "sanaa", "hadramaut", "ibb", "hodeidah", "lahj")


class Redis:
    """A redis-server of the benchmark's own: nothing kept on disk, stopped at the end."""

    def __init__(self, port, maxmemory):
        arguments = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        if maxmemory:
            arguments += ["--maxmemory", maxmemory, "--maxmemory-policy", "allkeys-lru"]
        self.process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, start_new_session=True)
        import redis

        self.client = redis.Redis(port=port)
        for _ in range(50):
            try:
                self.client.ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def count(self, pattern):
        return sum(1 for _key in self.client.scan_iter(pattern, count=1000))

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def the_five():
    """The addresses of the five main pages, the meeting and recommendation as bench_pages.py picks them."""
    meeting, recommendation = sample_records()
    return ["/", "/meetings/", meeting.get_absolute_url(), "/recommendations/", f"/recommendations/{recommendation.pk}/"]


def workers_rss_mb(server):
    """The resident memory of gunicorn's workers (the children of its master), in MB."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    total = 0
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def run(options, five, shared, min_uses, static_root):
    redis = None
    redis_url = None
    if not options.local:
        redis_port = free_port()
        redis = Redis(redis_port, options.maxmemory)
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
    os.environ["PAGE_CACHE_MIN_USES"] = str(min_uses)  # Server hands its environment to gunicorn
    server = Server(code=options.code, database_url=f"{SERVER_URL}/{options.database}", port=options.port,
                    page_cache=True, static_root=static_root, redis_url=redis_url)
    try:
        for _round in range(3):
            for path in five:
                request(server.port, path)
        rss_before = workers_rss_mb(server)
        floods, readers, links = [], [], []
        deadline = time.perf_counter() + options.seconds

        def flooder(number):
            rng = random.Random(number)
            while time.perf_counter() < deadline:
                if rng.random() < 0.5:
                    path = f"/meetings/?governorate={rng.choice(GOVERNORATES)}&n={uuid.uuid4().hex[:12]}"
                else:
                    path = f"/recommendations/?n={uuid.uuid4().hex[:12]}"
                status, _elapsed, _body, _headers = request(server.port, path)
                floods.append(status)

        def reader():
            while time.perf_counter() < deadline:
                for path in five:
                    status, elapsed, _body, headers = request(server.port, path)
                    readers.append((status, elapsed, dict(headers).get("X-Page-Cache") == "hit"))
                status, elapsed, _body, headers = request(server.port, f"{shared}?fbclid=IwAR{uuid.uuid4().hex}")
                links.append((status, elapsed, dict(headers).get("X-Page-Cache") == "hit"))

        threads = [threading.Thread(target=flooder, args=(n,)) for n in range(options.flooders)]
        threads += [threading.Thread(target=reader) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        info = {**redis.client.info("memory"), **redis.client.info("stats")} if redis else {}
        row = {
            "rss_growth_mb": workers_rss_mb(server) - rss_before,
            "min_uses": min_uses,
            "made_up": len(floods),
            "made_up_rps": len(floods) / options.seconds,
            "made_up_errors": sum(status != 200 for status in floods),
            "readers_hit": sum(hit for _s, _e, hit in readers) / max(len(readers), 1),
            "readers_p50_ms": statistics.median(elapsed for _s, elapsed, _h in readers) * 1000,
            "links_hit": sum(hit for _s, _e, hit in links) / max(len(links), 1),
            "links_p50_ms": statistics.median(elapsed for _s, elapsed, _h in links) * 1000,
            "errors": sum(status != 200 for status, _e, _h in readers + links),
            "redis_mb": info.get("used_memory", 0) / 2**20,
            "pages": redis.count("*:sanad:page:*") if redis else 0,
            "counts": redis.count("*:sanad:seen:*") if redis else 0,
            "evicted": info.get("evicted_keys", 0),
        }
    finally:
        server.stop()
        if redis:
            redis.stop()
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sanad_bench")
    parser.add_argument("--code", default=str(ROOT), help="the checkout gunicorn serves (to measure another version)")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--flooders", type=int, default=6, help="clients asking for made-up addresses (6)")
    parser.add_argument("--min-uses", type=int, nargs="+", default=[1, 2],
                        help="PAGE_CACHE_MIN_USES values to serve with, one run each (1 2)")
    parser.add_argument("--local", action="store_true",
                        help="no Redis: each worker's own local-memory cache (the default set-up); "
                             "the workers' memory growth is what to read")
    parser.add_argument("--maxmemory", help="the Redis's memory limit, e.g. 64mb (evicting with allkeys-lru); none by default")
    options = parser.parse_args()

    setup_django(options.database)
    five = the_five()
    shared = five[2]
    static_root = Path(tempfile.mkdtemp(prefix="sanad-bench-static-"))
    rows = []
    try:
        collect_static(options.code, f"{SERVER_URL}/{options.database}", static_root)
        for min_uses in options.min_uses:
            log(f"PAGE_CACHE_MIN_USES={min_uses}: {options.seconds:.0f} s")
            rows.append(run(options, five, shared, min_uses, static_root))
    finally:
        shutil.rmtree(static_root, ignore_errors=True)

    cache = "each worker's local memory" if options.local else f"Redis, maxmemory {options.maxmemory or 'none'}"
    print(f"served: {options.code}; {options.flooders} clients asking for made-up addresses, 2 readers; "
          f"{options.seconds:.0f} s; cache: {cache}")
    print(f"{'min uses':>8} {'made-up/s':>10} {'5 pages hit':>12} {'p50 ms':>7} {'fbclid hit':>11} {'p50 ms':>7} "
          f"{'workers +MB':>12} {'Redis MB':>9} {'pages':>6} {'counts':>7} {'evicted':>8} {'errors':>7}")
    for row in rows:
        print(f"{row['min_uses']:>8} {row['made_up_rps']:>10.1f} {row['readers_hit']:>12.1%} {row['readers_p50_ms']:>7.1f} "
              f"{row['links_hit']:>11.1%} {row['links_p50_ms']:>7.1f} {row['rss_growth_mb']:>12.1f} "
              f"{row['redis_mb']:>9.1f} {row['pages']:>6} {row['counts']:>7} {row['evicted']:>8} "
              f"{row['errors'] + row['made_up_errors']:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
