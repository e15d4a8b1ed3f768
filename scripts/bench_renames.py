#!/usr/bin/env python
"""An administrator renames something that thousands of records' search documents name.

    .venv/bin/python scripts/bench_renames.py                 # on sanad_bench (scripts/bench_pages.py --generate)
    .venv/bin/python scripts/bench_renames.py --kinds theme governorate --slowest 5

Not a test: it prints figures for docs/performance.md. A recommendation's search document holds
its theme's name, its meeting's governorate and its organisers' names; a meeting's holds its
governorate, tags and public participants. So renaming one of them (or giving it its English
name) changes those documents. For each kind, the busiest one and a middling one (by the number of
records that name it) get a new English name (or, with ``--edit other``, a new value of a field
no document includes), saved as the admin saves it, in a transaction that is rolled back; it
prints the time and the statements.
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


def candidates(kind):
    """The busiest and a middling object of ``kind``, with the number of records naming it."""
    from django.db.models import Count

    from meetings.models import Governorate, MeetingOrganization, Organization, Person, Tag, Theme

    if kind == "theme":
        rows = Theme.objects.annotate(n=Count("recommendations"))
    elif kind == "governorate":
        rows = Governorate.objects.annotate(n=Count("meetings"))
    elif kind == "tag":
        rows = Tag.objects.annotate(n=Count("meetings"))
    elif kind == "person":
        rows = Person.objects.filter(visibility=Person.Visibility.PUBLIC).annotate(n=Count("participations"))
    else:
        organised = MeetingOrganization.objects.filter(role__in=("organiser", "co_organiser"))
        counts = dict(
            organised.values("organization").annotate(n=Count("pk")).order_by("-n").values_list("organization", "n")[:2000]
        )
        ranked = sorted(counts, key=lambda pk: (-counts[pk], pk))
        chosen = [ranked[0], ranked[len(ranked) // 20]]
        return [(Organization.objects.get(pk=pk), counts[pk]) for pk in chosen]
    ranked = list(rows.order_by("-n", "pk").values_list("pk", "n"))
    model = rows.model
    chosen = [ranked[0], ranked[len(ranked) // 4]]
    return [(model.objects.get(pk=pk), n) for pk, n in chosen]


def measure(obj, count, options):
    if options.edit == "protect":  # a person only: their name leaves every document at once
        obj.visibility = type(obj).Visibility.PROTECTED
    elif options.edit == "name":
        obj.name_en = f"{obj.name_en or obj.name_ar} (renamed)"
    else:  # what an edit of the rest in the admin saves: the documents do not change
        other = {"Organization": "website", "Person": "notes"}.get(type(obj).__name__, "slug")
        setattr(obj, other, "https://example.org/" if other == "website" else f"{getattr(obj, other)}-x")
    with bench_pages.TimedStatements() as timed:
        obj.save()
    writes = sum(1 for _took, sql in timed.statements if sql.lstrip().upper().startswith("UPDATE"))
    print(
        f"  {type(obj).__name__:<13} #{obj.pk:<6} named by {count:>7}: saved in {timed.seconds:7.2f} s, "
        f"{len(timed.statements):>6} statements ({writes} UPDATE), {timed.in_database:6.2f} s of them in the database",
        flush=True,
    )
    timed.print_slowest(options.slowest)
    waiting = getattr(obj, "_search_refills_waiting", 0)
    if waiting and options.drain_batches:
        from meetings.models import SearchRefill

        started, documents = time.perf_counter(), 0
        for _batch in range(options.drain_batches):
            documents += SearchRefill.objects.refill_next() or 0
        seconds = time.perf_counter() - started
        print(
            f"         {waiting} documents left to refill_search; its first {options.drain_batches} batches: "
            f"{documents} documents in {seconds:.1f} s ({documents / seconds:.0f}/s, so all in about {waiting * seconds / documents:.0f} s)",
            flush=True,
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sanad_bench")
    kinds = ["theme", "governorate", "tag", "organization", "person"]
    parser.add_argument("--kinds", nargs="+", choices=kinds, default=kinds)
    parser.add_argument("--slowest", type=int, default=0, help="print this many of the slowest statements")
    parser.add_argument("--busiest-only", action="store_true")
    parser.add_argument(
        "--drain-batches", type=int, default=2,
        help="after a rename left for refill_search, time this many of its batches (in the same transaction)",
    )
    parser.add_argument(
        "--edit", choices=["name", "other", "protect"], default="name",
        help="give it a new English name, change a field that no document includes, or protect a person",
    )
    options = parser.parse_args(argv)
    bench_pages.setup_django(options.database)

    from django.db import transaction

    from meetings.models import Meeting

    print(f"database {options.database}: {Meeting.objects.count()} meetings")
    for kind in options.kinds:
        chosen = candidates(kind)
        for obj, count in chosen[:1] if options.busiest_only else chosen:
            try:
                with transaction.atomic():
                    measure(obj, count, options)
                    raise Rollback
            except Rollback:
                pass


if __name__ == "__main__":
    main()
