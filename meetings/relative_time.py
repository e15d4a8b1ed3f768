"""How long ago something happened, in words a person would say.

Django's ``timesince`` says «0 دقيقة» for a moment ago and puts a count before every
unit («1 ساعة»), which Arabic does not say: one hour ago is «قبل ساعة», two are
«قبل ساعتين». Here the whole phrase is one translatable string per unit, with Arabic's
six plural forms filled in the catalogue, and anything under a minute is "just now".
Past a month the date itself is clearer than a count of days.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
MONTH = 30 * DAY


def time_ago(value, now=None):
    """``value`` (a datetime) as "just now", "3 minutes ago", "2 hours ago", "5 days ago" or "on 1 December 2026"."""
    if not isinstance(value, datetime.datetime):
        return ""
    now = now or timezone.now()
    if timezone.is_aware(now) != timezone.is_aware(value):
        value = timezone.make_aware(value) if timezone.is_aware(now) else timezone.make_naive(value)
    seconds = int((now - value).total_seconds())
    if seconds < MINUTE:  # a clock a little ahead gives a negative delta: still "just now"
        return _("just now")
    if seconds < HOUR:
        count = seconds // MINUTE
        return ngettext("%(count)d minute ago", "%(count)d minutes ago", count) % {"count": count}
    if seconds < DAY:
        count = seconds // HOUR
        return ngettext("%(count)d hour ago", "%(count)d hours ago", count) % {"count": count}
    if seconds < MONTH:
        count = seconds // DAY
        return ngettext("%(count)d day ago", "%(count)d days ago", count) % {"count": count}
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return _("on %(date)s") % {"date": date_format(local.date(), "j F Y")}
