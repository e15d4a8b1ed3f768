"""Keyset ("cursor") pagination for the public lists.

Why not page numbers: ``OFFSET 10000`` makes the database walk and throw away
ten thousand rows, so page 500 is many times slower than page 1, and a meeting
published while someone reads shifts every later page by one row. A keyset
page instead asks for "the 20 rows that sort just after this one" —
``WHERE (date, id) < (d, n) ORDER BY date DESC, id DESC LIMIT 21`` — which an
index answers in the same time at any depth, and its links stay valid when
rows are added. The cost is that there are no numbered pages: readers move to
the newer or older page, or back to the newest.

A cursor is the sort key of a row written as text (``2022-11-26.42``) in the
``after`` (older rows) or ``before`` (newer rows) query parameter.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q

AFTER, BEFORE = "after", "before"
SEPARATOR = "."


class InvalidCursor(ValueError):
    """The cursor of a link is malformed (hand-edited or truncated)."""


@dataclass(frozen=True)
class Key:
    """One column of the sort key: a lookup path, its direction and how to read it back from text."""

    field: str
    descending: bool
    parse: Callable = int

    def value_of(self, row):
        value = row
        for name in self.field.split("__"):
            value = getattr(value, name)
        return value


@dataclass
class KeysetPage:
    rows: list
    is_first: bool
    has_next: bool
    has_previous: bool
    next_cursor: str | None
    previous_cursor: str | None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    @property
    def has_other_pages(self):
        return self.has_next or self.has_previous or not self.is_first


class KeysetPaginator:
    def __init__(self, queryset, keys, per_page=20):
        self.queryset = queryset
        self.keys = keys
        self.per_page = per_page

    # --- cursors -----------------------------------------------------------

    def cursor_for(self, row):
        return SEPARATOR.join(str(key.value_of(row)) for key in self.keys)

    def parse_cursor(self, text):
        parts = (text or "").split(SEPARATOR)
        if len(parts) != len(self.keys):
            raise InvalidCursor(text)
        try:
            return [key.parse(part) for key, part in zip(self.keys, parts, strict=True)]
        except (TypeError, ValueError, OverflowError) as error:
            raise InvalidCursor(text) from error

    # --- queries -----------------------------------------------------------

    def _beyond(self, values, *, forward):
        """Rows strictly after ``values`` in the list's order (``forward``) or strictly before it.

        ``(a, b) < (x, y)`` is written ``a <= x AND (a < x OR (a = x AND b < y))``: the
        first, redundant bound is what lets the database start its index scan at the
        cursor instead of reading (and discarding) every row before it.
        """
        clauses = []
        for i, key in enumerate(self.keys):
            equal = {k.field: v for k, v in zip(self.keys[:i], values[:i], strict=True)}
            towards_end = key.descending == forward  # descending and forward → smaller values
            lookup = "lt" if towards_end else "gt"
            clauses.append(Q(**equal, **{f"{key.field}__{lookup}": values[i]}))
        first = self.keys[0]
        bound = "lte" if first.descending == forward else "gte"
        return Q(**{f"{first.field}__{bound}": values[0]}) & reduce(or_, clauses)

    def _ordering(self, *, forward):
        return [f"-{k.field}" if k.descending == forward else k.field for k in self.keys]

    def page(self, cursor=None, direction=AFTER):
        """The page after (older) or before (newer) ``cursor``; the first page without one.

        Raises ``InvalidCursor`` for a malformed cursor. Runs one query.
        """
        forward = direction != BEFORE
        queryset = self.queryset.order_by(*self._ordering(forward=forward))
        if cursor:
            queryset = queryset.filter(self._beyond(self.parse_cursor(cursor), forward=forward))
        rows = list(queryset[: self.per_page + 1])
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if forward:
            has_next, has_previous = more, bool(cursor)
        else:
            rows.reverse()
            has_next, has_previous = True, more
        return KeysetPage(
            rows=rows,
            is_first=not cursor,
            has_next=has_next and bool(rows),
            has_previous=has_previous and bool(rows),
            next_cursor=self.cursor_for(rows[-1]) if rows else None,
            previous_cursor=self.cursor_for(rows[0]) if rows else None,
        )
