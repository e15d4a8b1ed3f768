#!/usr/bin/env python
"""Readers of the pages while clients download large lists in a loop.

    .venv/bin/python scripts/bench_downloads.py                    # this checkout, on sanad_bench
    .venv/bin/python scripts/bench_downloads.py --code /tmp/old    # another version (before)

Not a test: it prints numbers for docs/performance.md. It starts gunicorn on the generated
data (scripts/bench_pages.py: 3 sync workers, ``PAGE_CACHE=0``, ``GUNICORN_WORKERS=3`` so
that the default number of download slots follows them, ``TRUSTED_PROXY_COUNT=1`` so that a
client's address is its ``X-Forwarded-For``). Two readers go round the five main pages, one
request at a time, through three phases of ``--seconds`` each:

* ``quiet``: the readers alone;
* ``many addresses``: ``--downloaders`` clients, each from an address of its own, download
  the largest lists a download may hold (CSV and JSON, 23,000-25,000 rows) one after another,
  reading each to the end;
* ``one address``: the same clients, all from one address.

After a refusal a downloader waits ``--pause`` seconds (0: it asks again at once, as a script
that ignores ``Retry-After`` does). For each phase it prints the readers' requests, median,
p90, p99 and slowest time, and what the downloaders got: files, refusals by status, and the
rows' bytes.
"""

import argparse
import http.client
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_pages import HOST, ROOT, SERVER_URL, Server, collect_static, log, percentile, request, setup_django

from tests.smtp import free_port

# The largest lists a download may hold at 100,000 meetings (bench_exports.py, docs/open-data.md).
DOWNLOADS = [
    "/meetings/export.csv?date_from=2025-08-01",
    "/recommendations/export.json?status=in_progress&governorate=aden",
    "/recommendations/export.csv?status=in_progress&governorate=aden",
    "/meetings/export.json?date_from=2025-08-01",
]


def the_five():
    from bench_cache_misuse import the_five as pages

    return pages()


def download(port, path, address):
    """``(status, bytes, retry_after)`` of one download read to the end."""
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        connection.request("GET", path, headers={"Host": "localhost", "X-Forwarded-For": address})
        response = connection.getresponse()
        size = 0
        while chunk := response.read(65536):
            size += len(chunk)
        return response.status, size, response.getheader("Retry-After")
    except (OSError, http.client.HTTPException):
        return 0, 0, None
    finally:
        connection.close()


def phase(port, pages, *, seconds, downloaders, one_address, pause):
    stop = time.perf_counter() + seconds
    lock = threading.Lock()
    latencies, reader_errors = [], []
    statuses, sizes = {}, []

    def reader(offset):
        number = offset
        while time.perf_counter() < stop:
            status, elapsed, _body, _headers = request(port, pages[number % len(pages)])
            number += 1
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    reader_errors.append(status)

    def downloader(number):
        address = "203.0.113.1" if one_address else f"203.0.113.{10 + number}"
        turn = number
        while time.perf_counter() < stop:
            status, size, _retry_after = download(port, DOWNLOADS[turn % len(DOWNLOADS)], address)
            turn += 1
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    sizes.append(size)
            if status != 200 and pause:
                time.sleep(pause)

    threads = [threading.Thread(target=reader, args=(offset,)) for offset in range(2)]
    threads += [threading.Thread(target=downloader, args=(number,)) for number in range(downloaders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "requests": len(latencies),
        "p50": percentile(latencies, 0.5) * 1000,
        "p90": percentile(latencies, 0.9) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "slowest": max(latencies, default=float("nan")) * 1000,
        "reader_errors": len(reader_errors),
        "statuses": statuses,
        "megabytes": sum(sizes) / 1e6,
        "mean_file_mb": statistics.mean(sizes) / 1e6 if sizes else 0,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sanad_bench")
    parser.add_argument("--code", default=str(ROOT), help="the checkout gunicorn serves (to measure another version)")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--downloaders", type=int, default=6)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds a downloader waits after a refusal (0)")
    options = parser.parse_args(argv)

    setup_django(options.database)
    pages = the_five()
    database_url = f"{SERVER_URL}/{options.database}"
    os.environ["GUNICORN_WORKERS"] = "3"  # as bench_pages.py starts it; the slots' default follows
    os.environ["TRUSTED_PROXY_COUNT"] = "1"
    static_root = Path(tempfile.mkdtemp(prefix="sanad-bench-static-"))
    slots_dir = Path(tempfile.mkdtemp(prefix="sanad-bench-slots-"))
    os.environ["EXPORT_SLOTS_DIR"] = str(slots_dir)
    collect_static(options.code, database_url, static_root)
    port = free_port()
    server = Server(code=options.code, database_url=database_url, port=port, page_cache=False, static_root=static_root)
    try:
        for path in pages + DOWNLOADS:  # every worker has compiled its templates and warmed up
            for _ in range(3):
                request(port, path)
        rows = []
        for name, downloaders, one_address in (
            ("quiet", 0, False),
            ("many addresses", options.downloaders, False),
            ("one address", options.downloaders, True),
        ):
            log(f"{name}: {downloaders} downloaders, {options.seconds:.0f} s")
            rows.append((name, phase(port, pages, seconds=options.seconds, downloaders=downloaders,
                                     one_address=one_address, pause=options.pause)))
    finally:
        server.stop()
        shutil.rmtree(static_root, ignore_errors=True)
        shutil.rmtree(slots_dir, ignore_errors=True)

    print(f"code: {options.code}   downloaders: {options.downloaders}   pause after a refusal: {options.pause} s")
    print(f"{'phase':<16}{'reads':>7}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'slowest':>9}{'errors':>8}  downloads")
    for name, row in rows:
        got = ", ".join(f"{status or 'failed'}: {count}" for status, count in sorted(row["statuses"].items()))
        print(
            f"{name:<16}{row['requests']:>7}{row['p50']:>9.0f}{row['p90']:>9.0f}{row['p99']:>9.0f}"
            f"{row['slowest']:>9.0f}{row['reader_errors']:>8}  {got or '-'}"
            + (f" ({row['megabytes']:.0f} MB)" if row["megabytes"] else "")
        )


if __name__ == "__main__":
    sys.exit(main())
