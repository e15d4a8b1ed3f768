"""The rows of one kind that a search finds, for ``meetings.exports.export_response``
(the search page's "Download these results" links; views.search_export)."""

from meetings.exports.columns import KINDS

from .engine import KINDS as SEARCH_KINDS
from .engine import SearchQuery, filtered, matching


def search_rows(text, kind_name, filters, language):
    """The public rows of ``kind_name`` that the search ``text`` finds under ``filters`` (validated
    values), or None when that kind cannot be exported with these filters."""
    kind = SEARCH_KINDS.get(kind_name)
    if kind is None or kind_name not in KINDS:
        return None
    active = {name: value for name, value in filters.items() if value not in (None, "")}
    if not set(active) <= set(kind.filters):
        return None
    return matching(filtered(kind, active), SearchQuery.parse(text), language)
