"""Shared building blocks for Sanad's models."""

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

SLUG_MAX_LENGTH = 120


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def unique_slug(instance, value, *, field="slug", max_length=SLUG_MAX_LENGTH):
    """Return a Unicode slug of ``value`` that no other row of the model uses.

    Arabic titles keep their letters (``allow_unicode``), so shared links stay
    readable; a numeric suffix resolves clashes.
    """
    base = slugify(value or "", allow_unicode=True)[:max_length].strip("-") or "item"
    model = type(instance)
    others = model._default_manager.exclude(pk=instance.pk) if instance.pk else model._default_manager.all()
    candidate, suffix = base, 2
    while others.filter(**{field: candidate}).exists():
        tail = f"-{suffix}"
        candidate = f"{base[: max_length - len(tail)]}{tail}"
        suffix += 1
    return candidate
