#!/usr/bin/env python
"""The staff workspace at real size, as the members of organisations see it (not a superuser).

    .venv/bin/python scripts/bench_workspace.py                 # on sanad_bench (scripts/bench_pages.py --generate)
    .venv/bin/python scripts/bench_workspace.py --only busiest  # the rows whose name contains "busiest"

Not a test: it prints figures for docs/performance.md. ``bench_admin.py`` measures the workspace
as a superuser, who sees every record without a filter. An organisation's members see only
their organisations' records, and every list, picker and queue filters by that: the cost of the
filter depends on how much the organisation holds. So this script signs in, in-process (Django's
test client, DEBUG off), as members of:

- **busiest**: the organisation that organises the most meetings, as editor, reviewer and
  administrator;
- **quiet**: one that organises one to three meetings (editor);
- **none**: a confirmed one that organises none (editor): every filter finds nothing, the
  worst case of a filter that walks an index in date order looking for a match;
- **three**: administrator of busiest, quiet and none together.

For each, it asks for the dashboard, the meetings list (first page, each status, the last
page), one of their meetings (detail, edit form, history, preview, publication check), a
recommendation's follow-up form, the organisations awaiting review, their organisation's
members, the two pickers (opened and typed) and another organisation's meeting (which must
answer 404). For each: the status, the median of ``--repeat`` requests after a warm-up, the
number of SQL statements, the bytes. Pages over ``--budget`` milliseconds are listed at the end,
and so is any status other than the expected one.

The users it creates (``bench-member-…``) stay in the database for the next run.
"""

import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_admin  # noqa: E402

ORGANISATION_TERM = "مأر"  # the first letters of a common word, as a picker sends them
PERSON_TERM = "محم"


def organisations():
    """``{"busiest": id, "quiet": id, "none": id}`` from the organising involvements."""
    from django.db.models import Count, Q

    from meetings.models import Organization
    from meetings.models.workspace import ORGANISING_ROLES

    organising = Count("involvements", filter=Q(involvements__role__in=ORGANISING_ROLES))
    confirmed = Organization.objects.filter(is_pending=False).annotate(n=organising)
    busiest = confirmed.order_by("-n", "pk").values_list("pk", flat=True)[0]
    quiet = confirmed.filter(n__gte=1, n__lte=3).order_by("pk").values_list("pk", flat=True)[0]
    none = confirmed.filter(n=0).order_by("pk").values_list("pk", flat=True)[0]
    return {"busiest": busiest, "quiet": quiet, "none": none}


def member(label, role, organization_ids):
    """The user ``bench-member-<label>-<role>``, member of ``organization_ids`` in ``role`` (only)."""
    from django.contrib.auth import get_user_model

    from meetings.models import Membership

    user, _created = get_user_model().objects.get_or_create(username=f"bench-member-{label}-{role}")
    Membership.objects.filter(user=user).exclude(organization_id__in=organization_ids).delete()
    for organization_id in organization_ids:
        Membership.objects.update_or_create(user=user, organization_id=organization_id, defaults={"role": role})
    return user


def member_pages(user, organization_id):
    """``[(name, path, expected status)]`` for ``user``, whose own organisation is ``organization_id``."""
    from django.urls import reverse

    from meetings.models import Meeting, Organization, Recommendation

    mine = Meeting.objects.for_user(user).order_by("-date", "-pk")
    newest = mine.values_list("pk", flat=True).first()
    draft = mine.filter(status=Meeting.Status.DRAFT).values_list("pk", flat=True).first() or newest
    recommendation = (
        Recommendation.objects.followable_by(user).order_by("-meeting__date", "pk").values_list("pk", flat=True).first()
    )
    others = Meeting.objects.exclude(pk__in=mine.values("pk")).order_by("-date", "-pk").values_list("pk", flat=True)
    quote = urllib.parse.quote
    slug = Organization.objects.values_list("slug", flat=True).get(pk=organization_id)
    result = [
        ("dashboard", reverse("staff:dashboard"), 200),
        ("meetings", reverse("staff:meeting_list"), 200),
        *[(f"meetings {status}", f"{reverse('staff:meeting_list')}?status={status}", 200)
          for status in ("draft", "review", "published")],
        ("meetings last page", f"{reverse('staff:meeting_list')}?page=last", 200),
        ("organisations to review", reverse("staff:organization_review"), 200),
        ("members", reverse("staff:organization_members", args=[slug]), None),
        ("pick organisations opened", reverse("staff:pick_organizations"), 200),
        ("pick organisations typed", f"{reverse('staff:pick_organizations')}?q={quote(ORGANISATION_TERM)}", 200),
        ("pick people opened", reverse("staff:pick_people"), 200),
        ("pick people typed", f"{reverse('staff:pick_people')}?q={quote(PERSON_TERM)}", 200),
        ("another organisation's meeting", reverse("staff:meeting_detail", args=[others[0]]), 404),
    ]
    if newest is not None:
        result += [
            ("meeting", reverse("staff:meeting_detail", args=[newest]), 200),
            ("meeting history", reverse("staff:meeting_history", args=[newest]), 200),
            ("meeting preview", reverse("staff:meeting_preview", args=[newest]), None),
            ("meeting publication check", reverse("staff:meeting_publication_check", args=[newest]), None),
            ("meeting edit form", reverse("staff:meeting_edit", args=[draft]), None),
        ]
    if recommendation is not None:
        result.append(("follow-up form", reverse("staff:recommendation_follow_up", args=[recommendation]), 200))
    return result


def main(argv=None):
    bench_admin.main(argv, description=__doc__, budget=200, run_pages=run)


def run(options):
    from django.test import Client

    ids = organisations()
    users = [
        *[("busiest", role, [ids["busiest"]]) for role in ("editor", "reviewer", "administrator")],
        ("quiet", "editor", [ids["quiet"]]),
        ("none", "editor", [ids["none"]]),
        ("three", "administrator", [ids["busiest"], ids["quiet"], ids["none"]]),
    ]
    print("| member | page | status | ms | statements | KB |\n|---|---|---|---|---|---|", flush=True)
    slow, failed, count = [], [], 0
    for label, role, organization_ids in users:
        user = member(label, role, organization_ids)
        client = Client()
        client.force_login(user)
        name = f"{label} {role}"
        for page, path, expected in member_pages(user, organization_ids[0]):
            if options.only not in f"{name} {page}":
                continue
            count += 1
            status, ms, statements, size = bench_admin.measure(client, path, options.repeat)
            print(f"| {name} | {page} | {status} | {ms:,.0f} | {statements} | {size / 1024:,.1f} |", flush=True)
            if (expected is not None and status != expected) or status >= 500:
                failed.append((name, page, path, status))
            if ms > options.budget:
                slow.append((name, page, path, ms))
    print(f"\n{count} pages; {len(slow)} over {options.budget:.0f} ms; {len(failed)} with an unexpected status")
    for name, page, path, ms in slow:
        print(f"  slow: {name}: {page}: {ms:,.0f} ms  {path}")
    for name, page, path, status in failed:
        print(f"  status {status}: {name}: {page}  {path}")


if __name__ == "__main__":
    main()
