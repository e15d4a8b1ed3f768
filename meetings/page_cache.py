"""Whole public pages cached for anonymous readers, and thrown away on every write.

What is cached
--------------
The complete response (status, headers, body) of an anonymous ``GET`` of a public page —
home, lists with their query strings, detail pages, feeds, calendars, sitemaps, search,
robots.txt — keyed by scheme, host, path (which carries the language: ``/en/…``), query
string, and whether the client accepts gzip (the body is stored as sent: compressed for
those that do, sanad/compression.py). ``HEAD`` is answered from the ``GET`` entry. Nothing else:

* a request that carries a session cookie (a signed-in user, or anyone with a session)
  or an ``Authorization`` header is neither answered from the cache nor stored: staff
  always get the page computed for them;
* the workspace, the admin, the sign-in pages, language switching and files
  (``staff/``, ``admin/``, ``accounts/``, ``i18n/``, ``attachments/``, in either language) and
  the API (``api/``: its own ETags answer repeated requests, and its rate limit must count
  every request)
  are never cached;
* a response is stored only if it is a plain 200 that sets no cookie, does not vary on
  ``Cookie`` (Django adds that header as soon as a page reads the session or a CSRF
  token) and is not marked private or ``no-store``.

Invalidation
------------
Every key includes the *public generation*, a number that any write which can change a
public page replaces once its transaction has committed (:func:`public_pages_changed`):
the next request computes the page again, and old entries simply expire. The writes are
caught where they reach the database: any ``INSERT``, ``UPDATE`` or ``DELETE`` of a table
of the meetings app through Django's connections (publishing, unpublishing, edits in the
workspace and in the admin, follow-up, deletes, people made protected, the publicity
recomputation, ``rebuild_search_index``…; see :func:`connect`).

Where the generation lives: with ``REDIS_URL``, in Redis, shared by every process and
machine. With the default local-memory cache each gunicorn worker has its own cache, so
the generation is kept in a small file instead (``PAGE_CACHE_GENERATION_FILE``, by default
``var/page-cache-generation``), which every worker reads (a few microseconds):
a write in one worker invalidates the pages of all workers on that machine. (Several
machines need Redis.)

Admission
---------
A page is stored only once its address has been asked for ``PAGE_CACHE_MIN_USES`` times
(2 by default) within ``PAGE_CACHE_SECONDS``, as nginx's ``proxy_cache_min_uses`` does. An
address asked for once (a crawler walking every combination of filters, a scanner, a
query string made up to get past the cache) costs what an uncached page costs, and stores
nothing: it neither fills Redis nor pushes the pages readers do ask for out of a
local-memory cache. The count of each address is a small entry, kept for
``PAGE_CACHE_SECONDS`` whatever the generation (a page read before a write is stored on its
first request after it); with the local-memory cache it lives in a store of its own, so
that counts never push pages out either. Tracking parameters (``fbclid=``, ``utm_…``) are
off the address before this middleware sees it (sanad/tracking_parameters.py).

``PAGE_CACHE=0`` turns all of this off; the test suite runs with it off, except the
tests that exercise it (tests/test_page_cache.py).
"""

import hashlib
import logging
import os
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import DisallowedHost
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language_from_path

from sanad.compression import accepts_gzip

logger = logging.getLogger(__name__)

GENERATION_KEY = "sanad:public-generation"
HEADER = "X-Page-Cache"
# How many addresses' counts a local-memory cache keeps (a few hundred bytes each).
SEEN_MAX_ENTRIES = 20000


def enabled():
    return getattr(settings, "PAGE_CACHE", False)


def _alias():
    return getattr(settings, "PAGE_CACHE_ALIAS", "default")


def _cache():
    return caches[_alias()]


def _seconds():
    """How long a stored page, and the count of an address, are kept at most."""
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)


def _min_uses():
    return getattr(settings, "PAGE_CACHE_MIN_USES", 2)


def _seen_store(cache):
    """Where the counts of :func:`admitted` live: beside the pages in Redis; in a local-memory
    cache of their own beside a local-memory page cache (its entries would push pages out)."""
    if not _process_local(cache):
        return cache
    # Named after the page cache's own location: the same counts for every use of that cache
    # in this process (LocMemCache instances of one name share their entries), and none of
    # another's.
    location = settings.CACHES[_alias()].get("LOCATION", "")
    store = _local_seen.get(location)
    if store is None:
        store = _local_seen[location] = LocMemCache(
            f"{location}:page-cache-seen", {"OPTIONS": {"MAX_ENTRIES": SEEN_MAX_ENTRIES}}
        )
    return store


_local_seen = {}


def admitted(cache, digest):
    """Count one more request of the address whose digest is ``digest``; whether it has now been
    asked for often enough to be stored (see "Admission" above)."""
    needed = _min_uses()
    if needed <= 1:
        return True
    seen, key = _seen_store(cache), f"sanad:seen:{digest}"
    if seen.add(key, 1, timeout=_seconds()):
        return False
    try:
        return seen.incr(key) >= needed
    except ValueError:  # expired between the two calls: a first request again
        seen.add(key, 1, timeout=_seconds())
        return False


def _generation_file():
    return Path(getattr(settings, "PAGE_CACHE_GENERATION_FILE", settings.BASE_DIR / "var" / "page-cache-generation"))


def _process_local(cache):
    return isinstance(cache, LocMemCache)


def _file_generation(path):
    try:
        generation = path.read_text()
    except FileNotFoundError:
        generation = ""
    if not generation:
        _replace_file(path)
        generation = path.read_text()
    return generation


def _replace_file(path):
    """Write a new, never used generation into ``path`` (atomically: readers see the old or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex}")
    temporary.write_text(f"{time.time_ns()}-{uuid.uuid4().hex}")
    os.replace(temporary, path)


def current_generation():
    """The public generation now (a string); created when missing."""
    cache = _cache()
    if _process_local(cache):
        return _file_generation(_generation_file())
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Never restart from a number used before (Redis flushed, the key evicted): old
        # entries under that number would come back.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return str(generation)


def bump_generation():
    """Start a new public generation now: every cached page is out of date."""
    cache = _cache()
    if _process_local(cache):
        _replace_file(_generation_file())
        return
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # missing
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def _bump_safely():
    """After a commit: the write is done and must not turn into an error page because the
    cache is unreachable. Cached pages then expire after PAGE_CACHE_SECONDS at the latest."""
    try:
        bump_generation()
    except Exception:
        logger.exception("Could not invalidate the cached public pages")


class _Pending:
    """The invalidation owed by one transaction: its first on-commit callback bumps, the others
    (one per write statement) see it done."""

    __slots__ = ("callbacks", "done")

    def __init__(self, callbacks):
        self.callbacks = callbacks  # the connection's list of on-commit callbacks it belongs to
        self.done = False

    def __call__(self):
        if not self.done:
            self.done = True
            _bump_safely()


def public_pages_changed(using=DEFAULT_DB_ALIAS):
    """Say that a write may change public pages: the cache is invalidated once the current
    transaction commits (at once outside a transaction), once however often it is called."""
    if not enabled():
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        _bump_safely()
        return
    # Django replaces the list of callbacks when it runs or discards them (commit, rollback):
    # one _Pending per list, so a rolled-back transaction's never blocks the next one's.
    pending = getattr(connection, "_page_cache_pending", None)
    if pending is None or pending.callbacks is not connection.run_on_commit or pending.done:
        pending = connection._page_cache_pending = _Pending(connection.run_on_commit)
    transaction.on_commit(pending, using=using)


# --- Catching the writes ----------------------------------------------------------------

# A statement that writes to a table of the meetings app (records, their links, their
# versions, stored publicity, the search vocabulary…). Sessions, users and the admin log
# are not public and do not count.
# A missed write would leave a page stale; a needless invalidation only costs a recomputation,
# so the test errs on the side of "write": any statement that starts like a write (a CTE
# included) and writes into a "meetings_…" table somewhere.
_WRITE_START = re.compile(r"^\s*(?:INSERT|UPDATE|DELETE|REPLACE|MERGE|WITH)\b", re.IGNORECASE)
_WRITE_TARGET = re.compile(
    r'(?:\bINSERT\b[^"(]*?\bINTO|\bREPLACE\s+INTO|\bUPDATE|\bDELETE\s+FROM|\bMERGE\s+INTO)\s+"?meetings_', re.IGNORECASE
)


def is_public_write(sql):
    """Whether ``sql`` writes to a table of the meetings app."""
    return isinstance(sql, str) and bool(_WRITE_START.match(sql)) and bool(_WRITE_TARGET.search(sql))


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if is_public_write(sql):
        public_pages_changed(context["connection"].alias)
    return result


def _install(sender, connection, **kwargs):
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch_writes)


def connect():
    """Watch every statement of every database connection (from MeetingsConfig.ready()).

    Catching writes where they reach the database, rather than with model signals, covers
    every path alike: ``save()`` and ``delete()`` (cascades included), many-to-many
    changes, ``QuerySet.update()``/``bulk_create()``/``bulk_update()`` (publicity
    recomputation, renumbering, ``rebuild_search_index``), the admin, and raw SQL run
    through Django. Rows loaded with ``COPY`` or outside Django need
    ``manage.py clear_page_cache`` (``rebuild_search_index`` also does it)."""
    from django.db.backends.signals import connection_created

    connection_created.connect(_install, dispatch_uid="page-cache-watch-writes")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


# --- The middleware --------------------------------------------------------------------


def _never_cached_pattern():
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return re.compile(rf"^/(?:(?:{languages})/)?(?:admin|staff|accounts|i18n|attachments|api)(?:/|$)")


class PageCacheMiddleware:
    """Answers anonymous readers of public pages from the cache (see the module's text).

    Placed before the session, locale and authentication middleware: a hit costs two
    cache reads (the generation and the page) and nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.never_cached = _never_cached_pattern()

    def cacheable_request(self, request):
        return (
            enabled()
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not self.never_cached.match(request.path_info)
        )

    @staticmethod
    def digest(request):
        """The address of the request (scheme, host, path and query string), hashed."""
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        return hashlib.sha256(address.encode()).hexdigest()

    @staticmethod
    def key(request, generation, digest):
        language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        # The page as sent: gzip-compressed (sanad/compression.py) or not.
        encoding = "gzip" if accepts_gzip(request) else "identity"
        return f"sanad:page:{generation}:{language}:{encoding}:{digest}"

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        cache = _cache()
        try:
            digest = self.digest(request)
            key = self.key(request, current_generation(), digest)
            stored = cache.get(key)
        except DisallowedHost:
            raise
        except Exception:  # the cache is down: serve the page without it
            logger.warning("Page cache unavailable", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            return self.rebuild(stored)
        response = self.get_response(request)
        if request.method == "GET" and self.storable(request, response):
            try:
                if admitted(cache, digest):
                    cache.set(key, self.freeze(response), timeout=_seconds())
                    response[HEADER] = "miss"
            except Exception:
                logger.warning("Page cache unavailable", exc_info=True)
        return response

    def storable(self, request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            return False
        vary = {value.strip().lower() for value in cc_delim_re.split(response.get("Vary", ""))}
        if "cookie" in vary or "*" in vary:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in ("private", "no-store", "no-cache"))

    @staticmethod
    def freeze(response):
        headers = [(name, value) for name, value in response.items() if name != HEADER]
        return (response.status_code, headers, response.content)

    @staticmethod
    def rebuild(stored):
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        return response
