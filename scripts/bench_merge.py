#!/usr/bin/env python
"""A reviewer merges a pending organisation that an import named in many records.

    .venv/bin/python scripts/bench_merge.py                   # on sanad_bench (scripts/bench_pages.py --generate)
    .venv/bin/python scripts/bench_merge.py --meetings 10 100 1000

Not a test: it prints figures for docs/performance.md. For each size, in one transaction that
it rolls back, it makes a pending organisation (as a bulk import does for a name it does not
know) and names it in that many meetings that are not published: as a partner, as the
organisation of one participant, and as an addressee of every recommendation of those meetings.
It also implements a project, and a person holds a position in it. In one meeting in ten, the
organisation it is merged into already takes part in the same role, and in one recommendation
in ten it is already an addressee: the merge must not name it twice. Then it runs
``services.organization_merge`` as a site administrator, as the review page does, and prints
its time and SQL statements; then the same with ``services.organization_confirm`` (the
organisation was a new one after all).
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


def name_everywhere(pending, into, meeting_ids, role):
    """``pending`` in every place a bulk import names an organisation, in ``meeting_ids``."""
    from meetings.models import MeetingOrganization, Participation, Person, Position, Project, Recommendation

    MeetingOrganization.objects.bulk_create(
        [MeetingOrganization(meeting_id=pk, organization=pending, role=role) for pk in meeting_ids]
        + [MeetingOrganization(meeting_id=pk, organization=into, role=role) for pk in meeting_ids[::10]],
        ignore_conflicts=True,
    )
    Participation.objects.bulk_create(
        [Participation(meeting_id=pk, organization=pending, order=1000) for pk in meeting_ids]
    )
    through = Recommendation.addressees.through
    recommendations = list(Recommendation.objects.filter(meeting_id__in=meeting_ids).order_by("pk").values_list("pk", flat=True))
    through.objects.bulk_create(
        [through(recommendation_id=pk, organization=pending) for pk in recommendations]
        + [through(recommendation_id=pk, organization=into) for pk in recommendations[::10]],
        ignore_conflicts=True,
    )
    Project.objects.order_by("pk").first().implementers.add(pending)
    Position.objects.create(person=Person.objects.order_by("pk").first(), organization=pending, title="عضو")
    return len(recommendations)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sanad_bench")
    parser.add_argument("--meetings", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--role", default="partner", help="the pending organisation's role in the meetings")
    parser.add_argument("--slowest", type=int, default=0, help="print this many of the slowest statements")
    parser.add_argument("--actions", nargs="+", choices=["merged", "confirmed"], default=["merged", "confirmed"])
    options = parser.parse_args(argv)
    bench_pages.setup_django(options.database)

    from django.db import transaction

    from meetings import services
    from meetings.models import Meeting, Organization, Tally

    busy = (
        Tally.objects.filter(subject="meetings", scope="organization").order_by("-count", "key").values_list("key", flat=True)
    )
    into = Organization.objects.get(pk=int(busy[len(busy) // 10]))  # an active organisation, not the busiest
    print(f"database {options.database}: {Meeting.objects.count()} meetings; merged into «{into}»")
    actions = {
        "merged": lambda pending, admin: services.organization_merge(organization=pending, into=into, by=admin),
        "confirmed": lambda pending, admin: services.organization_confirm(organization=pending, by=admin),
    }
    for size in options.meetings:
        for action in options.actions:
            try:
                with transaction.atomic():
                    measure(size, action, actions[action], into, options)
                    raise Rollback
            except Rollback:
                pass


def measure(size, action, run, into, options):
    from django.contrib.auth import get_user_model

    from meetings import services
    from meetings.models import Meeting

    admin = get_user_model().objects.create(username="bench-merge", is_staff=True, is_superuser=True)
    pending = services.organization_create(name="جمعية مستوردة للمقارنة", by=admin)
    meeting_ids = list(
        Meeting.objects.exclude(status=Meeting.Status.PUBLISHED).order_by("-pk").values_list("pk", flat=True)[:size]
    )
    started = time.perf_counter()
    recommendations = name_everywhere(pending, into, meeting_ids, options.role)
    setting_up = time.perf_counter() - started
    with bench_pages.TimedStatements() as timed:
        run(pending, admin)
    print(
        f"  {len(meeting_ids):>6} meetings, {recommendations:>6} recommendations: {action} in {timed.seconds:7.2f} s, "
        f"{len(timed.statements):>6} statements, {timed.in_database:6.2f} s of them in the database (named in {setting_up:.1f} s)",
        flush=True,
    )
    timed.print_slowest(options.slowest)


if __name__ == "__main__":
    main()
