"""What an import keeps: the uploaded file between preview and confirmation, and which
records each imported row became (so that importing the same file again creates nothing)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportUploadQuerySet(models.QuerySet):
    def of(self, user):
        """Uploads ``user`` may preview or confirm: their own, never anyone else's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def expired(self, now=None):
        return self.filter(expires_at__lt=now or timezone.now())


def upload_expiry():
    return timezone.now() + timedelta(minutes=settings.IMPORT_UPLOAD_MINUTES)


class ImportUpload(models.Model):
    """A file read for import: its rows are kept here (bounded by IMPORT_MAX_MB and
    IMPORT_MAX_ROWS) between the preview and the confirmation, for the user who sent it
    only, until ``expires_at``. Once imported, the rows are dropped and ``result`` kept."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("Awaiting confirmation")
        IMPORTED = "imported", _("Imported")

    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        "meetings.Organization", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sheets = models.JSONField(_("rows read"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PREVIEW)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=upload_expiry)

    objects = ImportUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import upload")
        verbose_name_plural = _("import uploads")

    def __str__(self):
        return self.file_name

    @property
    def is_expired(self):
        return self.state == self.State.PREVIEW and self.expires_at < timezone.now()


class ImportedRecord(models.Model):
    """One imported row of one organisation's imports and the record it became.

    ``key`` is a hash of what identifies the row (its kind, the meeting reference and, for
    the rows under a meeting, their own identifying values): a row whose key is already
    here was imported before and is not created again."""

    organization = models.ForeignKey(
        "meetings.Organization", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("key"), max_length=64)
    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("record"))
    record = GenericForeignKey("content_type", "object_id")
    upload = models.ForeignKey(
        ImportUpload, verbose_name=_("import"), on_delete=models.SET_NULL, null=True, blank=True, related_name="records"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="imported_record_unique_key"),
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id}"
