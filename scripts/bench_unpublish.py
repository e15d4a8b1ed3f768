#!/usr/bin/env python
"""A reviewer unpublishes published meetings: the words only they held leave the vocabulary.

    .venv/bin/python scripts/bench_unpublish.py [--meetings 5]   # on sanad_bench

Not a test: it prints figures for docs/performance.md. For each of the newest published meetings
with recommendations, in a transaction it rolls back, ``meeting.unpublish()`` as the review page
does, with its time, its statements and the slowest of them. Unpublishing prunes from the
vocabulary of suggestions every word no other published record holds (meetings/vocabulary.py).
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_pages  # noqa: E402


class Rollback(Exception):
    pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sanad_bench")
    parser.add_argument("--meetings", type=int, default=5)
    parser.add_argument("--slowest", type=int, default=2)
    options = parser.parse_args(argv)
    bench_pages.setup_django(options.database)

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from meetings.models import Meeting

    chosen = list(
        Meeting.objects.filter(status=Meeting.Status.PUBLISHED, recommendations__isnull=False)
        .order_by("-pk").values_list("pk", flat=True).distinct()[: options.meetings]
    )
    for pk in chosen:
        statements = []

        def timed(execute, sql, *args):
            began = time.perf_counter()
            try:
                return execute(sql, *args)
            finally:
                statements.append((time.perf_counter() - began, sql))

        try:
            with transaction.atomic():
                admin = get_user_model().objects.create(username="bench-unpublish", is_staff=True, is_superuser=True)
                meeting = Meeting.objects.get(pk=pk)
                with connection.execute_wrapper(timed):
                    started = time.perf_counter()
                    meeting.unpublish(by=admin, comment="bench")
                    seconds = time.perf_counter() - started
                print(
                    f"  meeting #{pk}: unpublished in {seconds:6.2f} s, {len(statements):>4} statements, "
                    f"{sum(took for took, _sql in statements):6.2f} s of them in the database",
                    flush=True,
                )
                for took, sql in sorted(statements, reverse=True)[: options.slowest]:
                    print(f"         {took * 1000:8.1f} ms  {' '.join(sql.split())[:110]}")
                raise Rollback
        except Rollback:
            pass


if __name__ == "__main__":
    main()
