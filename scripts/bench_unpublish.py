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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_pages  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sanad_bench")
    parser.add_argument("--meetings", type=int, default=5)
    parser.add_argument("--slowest", type=int, default=2)
    options = parser.parse_args(argv)
    bench_pages.setup_django(options.database)

    from django.contrib.auth import get_user_model
    from meetings.models import Meeting

    chosen = list(
        Meeting.objects.filter(status=Meeting.Status.PUBLISHED, recommendations__isnull=False)
        .order_by("-pk").values_list("pk", flat=True).distinct()[: options.meetings]
    )
    for pk in chosen:
        with bench_pages.rolled_back():
            admin = get_user_model().objects.create(username="bench-unpublish", is_staff=True, is_superuser=True)
            meeting = Meeting.objects.get(pk=pk)
            with bench_pages.TimedStatements() as timed:
                meeting.unpublish(by=admin, comment="bench")
            print(
                f"  meeting #{pk}: unpublished in {timed.seconds:6.2f} s, {len(timed.statements):>4} statements, "
                f"{timed.in_database:6.2f} s of them in the database",
                flush=True,
            )
            timed.print_slowest(options.slowest)

if __name__ == "__main__":
    main()
