#!/usr/bin/env python
"""A person is protected after publication: what the published texts said of them is withdrawn.

    .venv/bin/python scripts/bench_withholding.py [--named 0 10 50] [--people PK ...]   # on sanad_bench

Not a test: it prints figures for docs/performance.md. For the person who took part in the most
published meetings, one of about twenty and one of a single meeting (or the people given), in a
transaction it rolls back: the admin's save of their protection (``Person.save()``), then
``withhold_texts_naming`` (meetings/protection.py), with the time and statements of each step.
``--named K`` first writes their name into the minutes of K of their published meetings and into
an approved follow-up note, so that K meetings and one update are withdrawn.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_pages  # noqa: E402


def chosen_people(Person, Meeting):
    from django.db.models import Count, Q

    counted = (
        Person.objects.filter(visibility=Person.Visibility.PUBLIC)
        .annotate(taken_part=Count("participations__meeting", filter=Q(participations__meeting__status=Meeting.Status.PUBLISHED), distinct=True))
        .filter(taken_part__gt=0)
    )
    busiest = counted.order_by("-taken_part", "pk").first()
    about_twenty = counted.filter(taken_part__gte=20).order_by("taken_part", "pk").first()
    single = counted.filter(taken_part=1).order_by("pk").first()
    return [person.pk for person in (busiest, about_twenty, single) if person is not None]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sanad_bench")
    parser.add_argument("--people", type=int, nargs="*")
    parser.add_argument("--named", type=int, nargs="*", default=[0, 10])
    parser.add_argument("--slowest", type=int, default=2)
    options = parser.parse_args(argv)
    bench_pages.setup_django(options.database)

    from django.contrib.auth import get_user_model
    from meetings import protection
    from meetings.models import Meeting, Person, RecommendationUpdate

    people = options.people or chosen_people(Person, Meeting)
    for pk in people:
        for named in options.named:
            with bench_pages.rolled_back():
                admin = get_user_model().objects.create(username="bench-withholding", is_staff=True, is_superuser=True)
                person = Person.objects.get(pk=pk)
                taken_part = Meeting.objects.published().filter(participations__person=person).distinct()
                print(f"person #{pk}, {taken_part.count()} published meetings, named in {named}:", flush=True)
                for meeting in taken_part.order_by("-date", "-pk")[:named]:
                    Meeting.objects.filter(pk=meeting.pk).update(minutes_ar=f"{meeting.minutes_ar} وقالت {person.name_ar} ذلك.")
                if named:
                    update = RecommendationUpdate.objects.approved().filter(
                        recommendation__meeting__status=Meeting.Status.PUBLISHED
                    ).order_by("-pk").first()
                    RecommendationUpdate.objects.filter(pk=update.pk).update(note_ar=f"أبلغتنا {person.name_ar} بالتقدم")
                person.visibility = Person.Visibility.PROTECTED
                with bench_pages.TimedStatements() as timed:
                    person.save()
                print(f"  the person's save: {timed.seconds:6.2f} s, {len(timed.statements):>5} statements", flush=True)
                steps = [
                    ("candidates", lambda: protection._meetings_perhaps_naming([person])),
                    ("meetings naming them", lambda: protection.published_meetings_naming([person])),
                    ("updates naming them", lambda: protection.approved_updates_naming([person])),
                ]
                for label, step in steps:
                    with bench_pages.TimedStatements() as timed:
                        found = step()
                    print(f"  {label}: {len(found)} in {timed.seconds:6.2f} s, {len(timed.statements):>5} statements", flush=True)
                started = time.perf_counter()
                with bench_pages.TimedStatements() as timed:
                    withheld = protection.withhold_texts_naming([person], by=admin)
                print(
                    f"  withhold_texts_naming: {len(withheld.meetings)} meetings, {len(withheld.updates)} updates "
                    f"withdrawn in {time.perf_counter() - started:6.2f} s, {len(timed.statements):>5} statements, "
                    f"{timed.in_database:6.2f} s of them in the database",
                    flush=True,
                )
                timed.print_slowest(options.slowest)


if __name__ == "__main__":
    main()
