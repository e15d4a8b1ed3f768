"""What staff are told when a write left search documents to ``manage.py refill_search``
(meetings/models/searchable.py): the admin's saves and a reviewer's merge."""

from django.utils.formats import number_format
from django.utils.translation import ngettext


def refills_waiting(count, *, hidden=False):
    """The message for ``count`` documents left for later; ``hidden``: left out of the search until then."""
    shown = {"count": number_format(count, force_grouping=True)}
    if hidden:
        return ngettext(
            "The search leaves out %(count)s meeting until it is re-indexed, within minutes: "
            "until then no search finds it, by this name or any other.",
            "The search leaves out %(count)s meetings until they are re-indexed, within minutes: "
            "until then no search finds them, by this name or any other.",
            count,
        ) % shown
    return ngettext(
        "The search will find %(count)s record by the new name within minutes: it is being re-indexed.",
        "The search will find %(count)s records by the new name within minutes: they are being re-indexed.",
        count,
    ) % shown
