"""The security log: who signed in (or failed to), who changed whose role, who
published or unpublished what, who deleted what in the admin — when, and from where.

Write to it with :func:`record_security_event` only. Superusers read it in the
admin (read-only). It never holds a password, a token or a session key.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sanad.clientip import client_ip

USER_AGENT_LENGTH = 250
TARGET_LENGTH = 250


class SecurityEvent(models.Model):
    """One line of the security log."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOCKOUT = "lockout", _("Locked out after failed sign-ins")
        MEMBER_INVITED = "member_invited", _("Member invited")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        MEMBER_ADDED = "member_added", _("Member added")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        PUBLISHED = "published", _("Meeting published")
        UNPUBLISHED = "unpublished", _("Meeting unpublished")
        ADMIN_DELETION = "admin_deletion", _("Deleted in the admin")

    # No ``choices`` on the column: another part of Sanad may log an action of its
    # own (adding it to ``Action``) without a migration. Labels come from ``Action``.
    action = models.CharField(_("action"), max_length=40, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who acted. For a failed sign-in the name tried is the target."),
    )
    username = models.CharField(
        _("user name"), max_length=150, blank=True, help_text=_("Kept even if the account is deleted later.")
    )
    target = models.CharField(_("target"), max_length=TARGET_LENGTH, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_LENGTH, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security log")

    def __str__(self):
        return f"{self.get_action_display()} — {self.username or '—'} — {self.at:%Y-%m-%d %H:%M}"

    def get_action_display(self):
        labels = dict(self.Action.choices)
        return labels.get(self.action, self.action)


def record_security_event(action, *, request=None, user=None, target="", detail=""):
    """Write one line of the security log and return it.

    ``user`` is who acted (default: the request's signed-in user); ``target``
    what was acted on (an object or a text, cut to fit); ``detail`` anything
    else worth keeping. Never pass a password, token or session key.
    Without ``request``, the request being served (if any) gives the address:
    django-simple-history's middleware already keeps it for the history's author.
    """
    (event,) = record_security_events(action, [(target, detail)], request=request, user=user)
    return event


def record_security_events(action, lines, *, request=None, user=None):
    """Write one line of the security log for each ``(target, detail)`` of ``lines``, in one
    statement, as :func:`record_security_event` would one by one (the same author, address and
    browser). For a write that changes many roles at once."""
    if request is None:
        request = getattr(HistoricalRecords.context, "request", None)
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if getattr(request_user, "is_authenticated", False):
            user = request_user
    username = ""
    if user is not None:
        username = user.get_username()
        if user.pk is None:
            user = None
    meta = request.META if request is not None else {}
    address = client_ip(request) if request is not None else None
    browser = (meta.get("HTTP_USER_AGENT") or "")[:USER_AGENT_LENGTH]
    events = [
        SecurityEvent(
            action=str(action),
            user=user,
            username=username[:150],
            target=str(target)[:TARGET_LENGTH],
            detail=str(detail),
            ip_address=address,
            user_agent=browser,
        )
        for target, detail in lines
    ]
    return SecurityEvent.objects.bulk_create(events)
