#!/usr/bin/env python
"""The subscribers' digests at real size: what ``send_digests`` reads for many subscriptions.

    .venv/bin/python scripts/bench_digest.py                       # on sanad_bench (scripts/bench_pages.py --generate)
    .venv/bin/python scripts/bench_digest.py --subscriptions 3000 --days-ago 0 30

Not a test: it prints figures for docs/notifications.md. In one transaction that it rolls back,
it adds ``--subscriptions`` confirmed subscriptions, due for a digest, a third each following an
organisation (drawn among those addressed in recommendations, most of them from the busiest),
a governorate and a recommendation with public follow-up. Each one's news start one digest
period (``SUBSCRIPTION_DIGEST_PERIOD``) before the moment of the digest. For each moment
(``--days-ago``: now, and an ordinary day in the past), it runs ``send_digests(dry_run=True)``,
which reads every subscription's news and sends nothing, and prints its time and SQL statements.
Then ``news_for()`` alone for the busiest organisation, a middling one and a quiet one.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_pages  # noqa: E402


class Rollback(Exception):
    pass


def addressees():
    """Organisation ids, most addressed first, with their number of addressed recommendations."""
    from django.db.models import Sum

    from meetings.models import Tally

    rows = (
        Tally.objects.filter(subject="recommendations", scope="addressee").values("key")
        .annotate(n=Sum("count")).order_by("-n", "key")
    )
    return [(int(row["key"]), row["n"]) for row in rows]


def subscribe(count, rng, now, period):
    from django.conf import settings

    from meetings.models import Governorate, RecommendationUpdate
    from notifications.models import Subscription

    Kind = Subscription.Kind
    organizations = addressees()
    # Followers go where the activity is: a Zipf-like draw over the organisations by rank.
    ranks = [1 / (rank + 1) for rank in range(len(organizations))]
    governorates = list(Governorate.objects.values_list("pk", flat=True))
    followed = list(
        RecommendationUpdate.objects.public().order_by("-reviewed_at").values_list("recommendation_id", flat=True)[:5000]
    )
    languages = [code for code, _name in settings.LANGUAGES]
    rows = []
    for number in range(count):
        kind = (Kind.ORGANIZATION, Kind.GOVERNORATE, Kind.RECOMMENDATION)[number % 3]
        if kind == Kind.ORGANIZATION:
            target = rng.choices(organizations, weights=ranks)[0][0]
        elif kind == Kind.GOVERNORATE:
            target = rng.choice(governorates)
        else:
            target = rng.choice(followed)
        rows.append(Subscription(
            email=f"bench-{number // 3}@example.org", kind=kind, target_id=target,
            language=languages[number % len(languages)], confirmed_at=now - datetime.timedelta(days=30),
            news_since=now - period, last_sent_at=None,
        ))
    Subscription.objects.filter(email__startswith="bench-", email__endswith="@example.org").delete()
    Subscription.objects.bulk_create(rows)
    return organizations


def timed(function, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - started)
    return statistics.median(times), len(queries.captured_queries), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sanad_bench")
    parser.add_argument("--subscriptions", type=int, default=1500)
    parser.add_argument("--days-ago", type=int, nargs="+", default=[0, 30], help="when the digests are sent")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)
    bench_pages.setup_django(options.database)

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from meetings.models import Organization, RecommendationUpdate
    from notifications.models import Subscription
    from notifications.subscriptions import news_for, send_digests

    period = settings.SUBSCRIPTION_DIGEST_PERIOD
    rng = random.Random(1)
    try:
        with transaction.atomic():
            print(f"database {options.database}: {RecommendationUpdate.objects.public().count()} public updates")
            for days_ago in options.days_ago:
                now = timezone.now() - datetime.timedelta(days=days_ago)
                organizations = subscribe(options.subscriptions, rng, now, period)
                in_window = RecommendationUpdate.objects.public().filter(reviewed_at__gt=now - period, reviewed_at__lte=now)
                print(f"\nthe digest of {now:%Y-%m-%d %H:%M} ({days_ago} days ago): "
                      f"{in_window.count()} public updates reviewed in its period of {period}")
                seconds, statements, sent = timed(lambda: send_digests(now=now, dry_run=True), options.repeat)
                targets = Subscription.objects.filter(email__startswith="bench-").values("kind", "target_id").distinct().count()
                print(f"  send_digests, {options.subscriptions} subscriptions ({targets} records followed): "
                      f"{seconds * 1000:.0f} ms, {statements} statements, {len(sent)} digests with news")
                picks = {
                    "busiest": organizations[0],
                    "middling": min(organizations, key=lambda row: abs(row[1] - 1000)),
                    "quiet": min(organizations, key=lambda row: abs(row[1] - 20)),
                }
                for label, (pk, addressed) in picks.items():
                    organization = Organization.objects.get(pk=pk)
                    seconds, statements, news = timed(
                        lambda: news_for(Subscription.Kind.ORGANIZATION, organization, now - period, now), options.repeat * 3
                    )
                    print(f"  news_for, the {label} organisation (addressed in {addressed}): {seconds * 1000:.1f} ms, "
                          f"{statements} statements, {len(news.meetings)} meetings and {len(news.updates)} updates")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
