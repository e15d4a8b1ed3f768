"""Who follows what, and what has already been mailed.

- :class:`Subscription` — a reader follows a recommendation, an organisation or a
  governorate by e-mail. It is *pending* until the reader opens the link mailed to
  the address (double opt-in) and ends with one click (its token is the proof).
- :class:`ReminderSent` — one line per reminder fact mailed to a staff member
  (a recommendation due soon, overdue; a meeting still a draft 3 or 7 days after it
  took place), so that a fact is mailed once, whatever how often cron runs.
- :class:`Preference` — the language a staff member's mail is written in (the one
  they last signed in with).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token():
    return secrets.token_urlsafe(32)


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        """Confirmed and not ended: the subscriptions that receive digests."""
        return self.filter(confirmed_at__isnull=False, ended_at__isnull=True)

    def pending(self):
        return self.filter(confirmed_at__isnull=True, ended_at__isnull=True)

    def due_for_digest(self, now=None, period=None):
        """Active subscriptions whose last digest is older than ``period`` (never more than one a period)."""
        now = now or timezone.now()
        period = period or settings.SUBSCRIPTION_DIGEST_PERIOD
        return self.active().filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - period))


class Subscription(models.Model):
    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", _("recommendation")
        ORGANIZATION = "organization", _("organisation")
        GOVERNORATE = "governorate", _("governorate")

    email = models.EmailField(_("e-mail address"))
    kind = models.CharField(_("what is followed"), max_length=16, choices=Kind.choices)
    # The followed record's id (a recommendation, an organisation or a governorate).
    target_id = models.PositiveBigIntegerField(_("record"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("asked for at"), default=timezone.now)
    confirmation_sent_at = models.DateTimeField(_("confirmation mailed at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    # Changes published after this moment are the next digest's news (the confirmation, then each digest).
    news_since = models.DateTimeField(_("news since"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last digest at"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["email", "kind", "target_id"], name="subscription_email_target_unique"),
        ]
        indexes = [models.Index(fields=["confirmed_at", "ended_at", "last_sent_at"], name="subscription_due")]

    def __str__(self):
        return f"{self.email} → {self.get_kind_display()} #{self.target_id}"

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.ended_at is None


class ReminderSent(models.Model):
    """A reminder fact mailed to a user: ``key`` names the fact (``recommendation:12:overdue``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("reminder"), max_length=80)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="remindersent_user_key_unique")]
        indexes = [models.Index(fields=["user", "-sent_at"], name="remindersent_user_sent")]

    def __str__(self):
        return f"{self.user} — {self.key}"


class Preference(models.Model):
    """The language of a staff member's mail: the one they last signed in with."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="mail_preference"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")

    def __str__(self):
        return f"{self.user} — {self.language}"
