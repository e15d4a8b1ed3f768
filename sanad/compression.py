"""Pages, feeds and data sent compressed to every browser that accepts gzip.

NGO staff type minutes on weak connections: the edit form of a meeting with 20 participants
and 20 recommendations is about 300 KB of HTML, and gzip sends it in about 25 KB
(docs/performance.md, session 15). Public pages shrink four to six times.

:class:`TextGZipMiddleware` is Django's ``GZipMiddleware`` (which pads each compressed body
with random bytes against BREACH) for text only: HTML, CSS, JavaScript, JSON, XML, feeds,
calendars and CSV. PDFs, spreadsheets, archives and images are compressed already; gzip
would spend a worker's time on them for nothing.

It sits below the page cache (sanad/settings.py): the cache stores the compressed page and
answers later readers with it without compressing again; :func:`accepts_gzip` is part of
the cache's key, so a client that does not accept gzip gets the page as it is.
"""

from django.middleware.gzip import GZipMiddleware, re_accepts_gzip

COMPRESSED_TYPES = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/javascript",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/xhtml+xml",
        "image/svg+xml",
    }
)


def accepts_gzip(request):
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def is_text(response):
    content_type = response.get("Content-Type", "").partition(";")[0].strip().lower()
    return content_type.startswith("text/") or content_type in COMPRESSED_TYPES


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not is_text(response):
            return response
        return super().process_response(request, response)
