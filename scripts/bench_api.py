#!/usr/bin/env python
"""Read-only API benchmark: p50 / p90 latency of list, deep cursor, filtered and detail requests.

    # a gunicorn on the 100k database, read only, without the rate limit:
    GUNICORN_BIND=127.0.0.1:8741 DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanad_bench \
      SECRET_KEY=... DEBUG=0 PAGE_CACHE=0 GUNICORN_WORKERS=2 API_RATE_LIMIT=100000/minute \
      .venv/bin/gunicorn -c gunicorn.conf.py sanad.wsgi &
    .venv/bin/python scripts/bench_api.py --base http://127.0.0.1:8741 --repeat 15

Not a test: it prints a markdown table for docs/api.md. The deep page is reached by following
``next`` links ``--depth`` times (the cursor a client would hold), then timed; the detail is
the first record of the first page. Every request is sent one at a time (no concurrency).
"""

import argparse
import json
import statistics
import time
import urllib.request

ENDPOINTS = {
    "meetings": "governorate={governorate}",
    "recommendations": "status=in_progress",
    "organizations": "governorate={governorate}",
    "projects": None,
    "governorates": None,
    "themes": None,
    "people": None,
}


def get(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url) as response:
        body = response.read()
        status = response.status
    return time.perf_counter() - started, status, body


def timed(url, repeat):
    get(url)  # warm
    times = []
    for _ in range(repeat):
        elapsed, status, _body = get(url)
        assert status == 200, (url, status)
        times.append(elapsed * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8741")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--depth", type=int, default=50, help="next links followed to the deep page")
    args = parser.parse_args()
    api = args.base.rstrip("/") + "/api/v1/"
    _t, _s, body = get(api + "governorates/")
    governorate = json.loads(body)["results"][0]["slug"] if "slug" in json.loads(body)["results"][0] else ""
    print("| Endpoint | Request | p50 ms | p90 ms |")
    print("| --- | --- | ---: | ---: |")
    for name, filters in ENDPOINTS.items():
        first = api + name + "/"
        _t, _s, body = get(first)
        page = json.loads(body)
        cases = [("first page", first)]
        deep, hops = first, 0
        while hops < args.depth and page.get("next"):
            deep = page["next"]
            _t, _s, body = get(deep)
            page = json.loads(body)
            hops += 1
        if hops:
            cases.append((f"page {hops + 1} (cursor)", deep))
        if filters:
            cases.append((f"filtered `{filters.format(governorate=governorate)}`", first + "?" + filters.format(governorate=governorate)))
        _t, _s, body = get(first)
        results = json.loads(body)["results"]
        if results:
            cases.append(("detail", first + str(results[0]["id"]) + "/"))
        for label, url in cases:
            p50, p90 = timed(url, args.repeat)
            print(f"| `{name}/` | {label} | {p50:.0f} | {p90:.0f} |", flush=True)


if __name__ == "__main__":
    main()
