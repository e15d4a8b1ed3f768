"""Cursor pagination for the API: the portal's keyset paginator (meetings/pagination.py).

A page holds the rows that sort just after (``after``) or just before (``before``) a cursor,
so a deep page costs what the first does and links stay valid while records are published.
The cursor is the sort key of the page's last (first) row, as the list pages write it.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from meetings.pagination import AFTER, BEFORE, InvalidCursor, KeysetPaginator

from .errors import BadRequest

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
PAGE_SIZE = "page_size"


class KeysetPagination(BasePagination):
    """Reads the view's ``keys`` (and ``paginator_class``) and answers ``{next, previous, results}``."""

    def page_size(self, request):
        text = request.query_params.get(PAGE_SIZE)
        if text in (None, ""):
            return DEFAULT_PAGE_SIZE
        try:
            size = int(text)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise BadRequest(_("page_size must be a whole number from 1 to %(max)s.") , max=MAX_PAGE_SIZE)
        return size

    def paginate_queryset(self, queryset, request, view=None):
        paginator_class = getattr(view, "paginator_class", KeysetPaginator)
        paginator = paginator_class(queryset, view.keys, per_page=self.page_size(request))
        after, before = request.query_params.get(AFTER), request.query_params.get(BEFORE)
        if after and before:
            raise BadRequest(_("Give either after or before, not both."))
        direction = BEFORE if before else AFTER
        try:
            self.page = paginator.page(before or after or None, direction)
        except InvalidCursor as error:
            raise BadRequest(_("This cursor is not valid: start again from the first page.")) from error
        self.request = request
        return self.page.rows

    def _link(self, name, cursor):
        url = self.request.build_absolute_uri()
        url = remove_query_param(remove_query_param(url, AFTER), BEFORE)
        return replace_query_param(url, name, cursor)

    def get_next_link(self):
        return self._link(AFTER, self.page.next_cursor) if self.page.has_next else None

    def get_previous_link(self):
        return self._link(BEFORE, self.page.previous_cursor) if self.page.has_previous else None

    def get_paginated_response(self, data):
        response = Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})
        links = [f'<{url}>; rel="{rel}"' for rel, url in (("next", self.get_next_link()),
                                                          ("prev", self.get_previous_link())) if url]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True,
                         "description": "The next (older) page, or null on the last page."},
                "previous": {"type": "string", "format": "uri", "nullable": True,
                             "description": "The previous (newer) page, or null on the first page."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        cursor = {"type": "string", "maxLength": 400}
        return [
            {"name": AFTER, "in": "query", "required": False, "schema": cursor,
             "description": "Cursor: the rows after this one (taken from a `next` link)."},
            {"name": BEFORE, "in": "query", "required": False, "schema": cursor,
             "description": "Cursor: the rows before this one (taken from a `previous` link)."},
            {"name": PAGE_SIZE, "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
             "description": f"Rows per page, 1 to {MAX_PAGE_SIZE}."},
        ]
