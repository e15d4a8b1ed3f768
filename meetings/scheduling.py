"""Meetings dated in the future: asked about, never saved silently, never published.

Sanad records meetings that took place. A date in the future is most often a slip
(2027 for 2022, month and day swapped), sometimes a meeting planned ahead. So the
form does not save it without a word: it asks once (``future_date_check``), and a
meeting confirmed for a later date is *planned* (``Meeting.is_planned``, derived from
its date, nothing stored): the workspace shows it as such, and it cannot be published
before its day (``models/workflow.py``), so no public page, feed or figure ever counts
a meeting that has not been held.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

CONFIRM_FIELD = "confirm_future_date"


def future_date_check(form, *, stored_date, confirmed, today=None):
    """Add an error to the meeting ``form`` (already validated) if its date is in the future and
    nobody confirmed it; return whether the confirmation question should be shown.

    ``stored_date``: the date saved before this edit (None for a new meeting); keeping a
    date already confirmed asks nothing again. A published meeting cannot move to the future.
    """
    date = form.cleaned_data.get("date")
    today = today or timezone.localdate()
    if date is None or date <= today:
        return False
    when = date_format(date, "j F Y")
    if form.instance.status == form.instance.Status.PUBLISHED:
        form.add_error("date", _("%(date)s is in the future: a published meeting must have taken place.") % {"date": when})
        return False
    if confirmed or date == stored_date:
        return False
    form.add_error(
        "date",
        _(
            "%(date)s is in the future. Check the date, or confirm below that the meeting is planned for that day: "
            "it will be saved as planned and cannot be published before then."
        )
        % {"date": when},
    )
    return True


def is_confirmed(data):
    return data.get(CONFIRM_FIELD) == "1"
