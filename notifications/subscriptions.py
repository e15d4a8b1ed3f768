"""Readers follow a recommendation, an organisation or a governorate by e-mail.

- :func:`subscription_request` — a reader asks; a confirmation link is mailed
  (double opt-in). The answer never says whether the address was already
  subscribed, and an address is mailed at most once per
  ``SUBSCRIPTION_CONFIRMATION_INTERVAL`` for the same record (nobody can use the form
  to flood someone's inbox).
- :func:`subscription_confirm`, :func:`subscription_end` — the token in the link is
  the proof of ownership; ending is one click (and RFC 8058's one-click POST).
- :func:`send_digests` (cron: ``manage.py send_digests``) — each address receives one
  mail per language with what was *published* about what it follows since its last
  digest: newly published meetings, approved follow-up. Nothing else is read than the
  public QuerySets (``published()``, ``public()``), so a digest can never say more than
  the public pages; no person is named in it.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation

from meetings.models import Governorate, Meeting, MeetingOrganization, Organization, Recommendation, RecommendationUpdate
from meetings.models.searchable import search_columns

from . import mail
from .models import Subscription

Kind = Subscription.Kind


def public_target(kind, key):
    """The public record a reader may follow (404 for anything not public): by id or slug as in its page's URL."""
    if kind == Kind.RECOMMENDATION:
        if not str(key).isdigit():
            raise Http404
        return get_object_or_404(Recommendation.objects.published().select_related("meeting"), pk=int(key))
    if kind == Kind.ORGANIZATION:
        return get_object_or_404(Organization.objects.published(), slug=key)
    if kind == Kind.GOVERNORATE:
        return get_object_or_404(Governorate, slug=key)
    raise Http404


def target_key(target):
    return str(target.pk) if isinstance(target, Recommendation) else target.slug


def kind_of(target):
    return {Recommendation: Kind.RECOMMENDATION, Organization: Kind.ORGANIZATION, Governorate: Kind.GOVERNORATE}[
        type(target)
    ]


def _links(subscription, request=None):
    with translation.override(subscription.language):
        return {
            "confirm": mail.absolute(reverse("notifications:confirm", kwargs={"token": subscription.token}), request),
            "unsubscribe": mail.absolute(
                reverse("notifications:unsubscribe", kwargs={"token": subscription.token}), request
            ),
        }


def subscription_request(*, email, target, language, request=None, now=None):
    """Record the wish and mail the confirmation link; returns the subscription (whatever its state)."""
    now = now or timezone.now()
    email = email.strip()
    kind = kind_of(target)
    with transaction.atomic():
        subscription, created = Subscription.objects.select_for_update().get_or_create(
            email__iexact=email, kind=kind, target_id=target.pk,
            defaults={"email": email, "kind": kind, "target_id": target.pk, "language": language, "created_at": now},
        )
        if subscription.is_active:
            return subscription  # already following: nothing to mail, and the page says the same as for a new address
        recently = subscription.confirmation_sent_at and (
            subscription.confirmation_sent_at > now - settings.SUBSCRIPTION_CONFIRMATION_INTERVAL
        )
        if recently:
            return subscription
        subscription.language = language
        subscription.ended_at = None
        subscription.confirmation_sent_at = now
        subscription.save(update_fields=["language", "ended_at", "confirmation_sent_at"])
    links = _links(subscription, request)
    with translation.override(language):
        context = {"target": target, "target_url": mail.absolute(target.get_absolute_url(), request), **links}
    mail.send("confirm", context, to=subscription.email, language=language)
    return subscription


def subscription_confirm(*, subscription, now=None):
    now = now or timezone.now()
    if subscription.confirmed_at is None or subscription.ended_at is not None:
        subscription.confirmed_at = now
        subscription.ended_at = None
        # News start from the confirmation: nothing published before is mailed.
        subscription.news_since = now
        subscription.save(update_fields=["confirmed_at", "ended_at", "news_since"])
    return subscription


def subscription_end(*, subscription, now=None):
    if subscription.ended_at is None:
        subscription.ended_at = now or timezone.now()
        subscription.save(update_fields=["ended_at"])
    return subscription


def subscription_resume(*, subscription, now=None):
    """Undo an unsubscribe from its page (the token proves the address was confirmed before)."""
    if subscription.confirmed_at is not None and subscription.ended_at is not None:
        subscription.ended_at = None
        subscription.news_since = now or timezone.now()
        subscription.save(update_fields=["ended_at", "news_since"])
    return subscription


# --- Digests -------------------------------------------------------------------------


@dataclass
class News:
    """What was published about one followed record since a moment."""

    target: object
    meetings: list
    updates: list

    def __bool__(self):
        return bool(self.meetings or self.updates)


def _targets(subscriptions):
    """``{(kind, id): record}`` of the followed records still public (three queries at most)."""
    ids = defaultdict(set)
    for subscription in subscriptions:
        ids[subscription.kind].add(subscription.target_id)
    found = {}
    querysets = {
        Kind.RECOMMENDATION: Recommendation.objects.published().select_related("meeting"),
        Kind.ORGANIZATION: Organization.objects.published(),
        Kind.GOVERNORATE: Governorate.objects.all(),
    }
    for kind, pks in ids.items():
        for record in querysets[kind].filter(pk__in=pks):
            found[(kind, record.pk)] = record
    return found


def news_for(kind, target, since, until):
    """The public changes about ``target`` published in ``(since, until]``."""
    # Without the columns a mail never shows: the meetings' minutes and search columns, the
    # recommendations' search columns (several kilobytes a row).
    meetings = Meeting.objects.published().without_long_text().filter(published_at__gt=since, published_at__lte=until)
    updates = RecommendationUpdate.objects.public().filter(reviewed_at__gt=since, reviewed_at__lte=until)
    if kind == Kind.RECOMMENDATION:
        meetings = meetings.none()
        updates = updates.filter(recommendation=target)
    elif kind == Kind.ORGANIZATION:
        involved = MeetingOrganization.objects.filter(meeting=OuterRef("pk"), organization=target)
        meetings = meetings.filter(Exists(involved))
        updates = updates.filter(recommendation__in=Recommendation.objects.addressed_to(target))
    else:
        meetings = meetings.filter(governorate=target)
        updates = updates.filter(recommendation__meeting__governorate=target)
    limit = settings.SUBSCRIPTION_DIGEST_ITEMS
    return News(
        target,
        list(meetings.order_by("-published_at", "-pk")[:limit]),
        list(
            updates.select_related("recommendation").defer(*search_columns("recommendation__"))
            .order_by("-reviewed_at", "-pk")[:limit]
        ),
    )


def send_digests(now=None, dry_run=False):
    """Mail every address its news; returns ``[(email, language, [News])]`` (what was, or would be, sent)."""
    now = now or timezone.now()
    subscriptions = list(Subscription.objects.due_for_digest(now=now).order_by("email", "pk"))
    targets = _targets(subscriptions)
    memo = {}
    grouped = defaultdict(list)
    for subscription in subscriptions:
        target = targets.get((subscription.kind, subscription.target_id))
        if target is None:
            continue  # no longer public (unpublished, merged): nothing may be said of it
        since = subscription.news_since or subscription.confirmed_at
        memo_key = (subscription.kind, subscription.target_id, since)
        if memo_key not in memo:
            memo[memo_key] = news_for(subscription.kind, target, since, now)
        if memo[memo_key]:
            grouped[(subscription.email.lower(), subscription.language)].append((subscription, memo[memo_key]))
    sent = []
    with get_connection() as connection:
        for (email, language), items in grouped.items():
            sent.append((items[0][0].email, language, [news for _, news in items]))
            if dry_run:
                continue
            with translation.override(language):
                context = {
                    "items": [
                        {
                            "news": news,
                            "target_url": mail.absolute(news.target.get_absolute_url()),
                            "meetings": [(m, mail.absolute(m.get_absolute_url())) for m in news.meetings],
                            "updates": [
                                (u, mail.absolute(u.recommendation.get_absolute_url())) for u in news.updates
                            ],
                            "unsubscribe": _links(subscription)["unsubscribe"],
                        }
                        for subscription, news in items
                    ],
                }
            # The mail's one-click header ends the first of its subscriptions; each item has its own link.
            mail.send(
                "digest", context, to=items[0][0].email, language=language,
                unsubscribe_url=_links(items[0][0])["unsubscribe"], connection=connection,
            )
            Subscription.objects.filter(pk__in=[s.pk for s, _ in items]).update(last_sent_at=now, news_since=now)
    return sent
