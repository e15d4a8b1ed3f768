from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProtectedNameAcceptance(models.Model):
    """A reviewer's decision that one occurrence of a protected person's name may be published.

    An occurrence is identified by its ``fingerprint`` (meetings/protection.py): where it is
    (which field of which record, in which language), whose name it is, the words around it
    and its rank among identical occurrences. An edit that adds another occurrence, or
    rewrites the words around one, makes a new fingerprint that needs its own acceptance.
    """

    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="name_acceptances"
    )
    person = models.ForeignKey(
        "meetings.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="name_acceptances"
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    place = models.CharField(_("place"), max_length=120)
    excerpt = models.TextField(_("excerpt"), blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("accepted mention of a protected name")
        verbose_name_plural = _("accepted mentions of protected names")
        ordering = ["meeting", "accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "fingerprint"], name="protected_name_acceptance_unique"),
        ]

    def __str__(self):
        return f"{self.meeting_id}: {self.place}"
