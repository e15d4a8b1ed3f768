#!/usr/bin/env python
"""The staff meeting form at real size: queries and time to open and to save it.

    .venv/bin/python scripts/bench_staff_form.py                      # SQLite, sizes 5 20 60
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanad_x \\
        .venv/bin/python scripts/bench_staff_form.py --sizes 5 20 60 100

Not a test: it prints numbers for docs/performance-staff.md. For each size N it builds,
in a throwaway test database (``test_<name>``, dropped at the end), a meeting with N
participants (each a person with a post and an organisation) and N recommendations (each
with a theme and two addressees), signs in as one of the organising organisation's
editors, and through Django's test client:

1. opens ``/staff/meetings/<pk>/edit/`` (GET),
2. saves it unchanged (the form as a browser would submit it),
3. saves it with one recommendation's text and one participant's statement changed,
4. posts ``participants-TOTAL_FORMS=100000`` (an inflated formset),

printing the number of queries, the wall time and the CPU time of this process (test client
and Django; the database server's time is in the wall time only) of each, best of
``--repeat``. On a shared machine the wall time grows with the load; the CPU time much less.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Run like the test suite (sanad/settings.py looks for pytest): no secret key needed, no
# connection pool (the pool would keep pointing at the database the test one replaces),
# plain static-file storage (no collectstatic manifest).
import pytest  # noqa: E402,F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanad.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402


def measure(client, method, url, data=None):
    """(response, queries, wall seconds, CPU seconds of this process — client and Django together)."""
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url) if method == "GET" else client.post(url, data)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return response, len(queries), (elapsed, cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 20, 60])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-inflated", action="store_true")
    args = parser.parse_args()

    from tests.factories import ensure_reference_data
    from tests.staff_helpers import PASSWORD, big_meeting, make_world, read_form

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    try:
        translation.activate("ar")
        ensure_reference_data()
        world = make_world()
        client = Client()
        assert client.login(username="editor", password=PASSWORD)
        print(f"load average: {os.getloadavg()[0]:.1f}; times in seconds, wall/CPU")
        print(f"{'size':>5} {'open q':>7} {'open s':>11} {'save q':>7} {'save s':>11} {'edit q':>7} {'edit s':>11} {'inflated q':>10} {'inflated s':>11}")
        for size in args.sizes:
            meeting = big_meeting(world, size)
            url = reverse("staff:meeting_edit", args=[meeting.pk])
            opened, saved, edited = [], [], []
            for _ in range(args.repeat):
                response, count, elapsed = measure(client, "GET", url)
                assert response.status_code == 200, response.status_code
                opened.append((elapsed, count))
                data = read_form(response)
                response, count, elapsed = measure(client, "POST", url, data)
                assert response.status_code == 302, (response.status_code, response.content.decode()[:3000])
                saved.append((elapsed, count))
                data = read_form(client.get(url))
                data["recommendations-0-text_ar"] = data["recommendations-0-text_ar"] + " (معدلة)"
                data["participants-1-statement_ar"] = data["participants-1-statement_ar"] + " (معدلة)"
                response, count, elapsed = measure(client, "POST", url, data)
                assert response.status_code == 302, response.status_code
                edited.append((elapsed, count))
            inflated = ("-", "-")
            if not args.skip_inflated:
                data = read_form(client.get(url))
                data["participants-TOTAL_FORMS"] = "100000"
                response, count, elapsed = measure(client, "POST", url, data)
                inflated = (count, f"{elapsed[0]:.2f}/{elapsed[1]:.2f}")
                inflated_status = response.status_code
            best = lambda runs: min(runs)  # noqa: E731
            (o_s, o_q), (s_s, s_q), (e_s, e_q) = best(opened), best(saved), best(edited)
            show = lambda t: f"{t[0]:.2f}/{t[1]:.2f}"  # noqa: E731
            print(
                f"{size:>5} {o_q:>7} {show(o_s):>11} {s_q:>7} {show(s_s):>11} {e_q:>7} {show(e_s):>11} {inflated[0]:>10} {inflated[1]:>11}"
                + ("" if args.skip_inflated else f"  (inflated POST answered {inflated_status})"),
                flush=True,
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
