"""What keeps downloads of lists from crowding out the pages.

A download of a large list takes a sync worker for one or two seconds at 100,000 meetings
(docs/open-data.md), against tens of milliseconds for a page. A few clients asking for such
downloads in a loop would hold every worker, and every reader would wait behind them. Two
limits stop that, both checked before a row is read:

* **Slots.** A list of more than ``EXPORT_SLOT_ROWS`` rows is written only while its worker
  holds one of ``EXPORT_CONCURRENCY`` slots, shared by every process on the machine; when
  all are taken the download is refused at once (503 with ``Retry-After``), so that the other
  workers stay free for pages. A slot is an exclusive ``flock`` on a file under
  ``EXPORT_SLOTS_DIR``: the kernel gives it back when the file is closed, which happens when
  the response is closed (its body sent, or the client gone), and also when the process dies
  (a worker killed by gunicorn's timeout holds nothing). Smaller lists, which cost about what
  a page costs, need no slot. The list is counted up to ``EXPORT_SLOT_ROWS`` first, so that a
  refusal costs about what a page costs too (``export_response``).
* **Rate.** One client address (``sanad.clientip``, as the login lockout and the API) may ask
  for ``EXPORT_RATE_LIMIT`` downloads per window (``30/minute`` by default); beyond that it is
  refused (429 with ``Retry-After``) until the window ends. Counted in the configured cache:
  with Redis (``REDIS_URL``) every worker counts together; with the default local-memory
  cache each worker counts alone, as for the API.
"""

import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from sanad.clientip import client_ip
from sanad.serving import parse_rate

try:
    import fcntl
except ImportError:  # not a POSIX system: no slots (a development machine on Windows)
    fcntl = None

class Slot:
    """One slot held by this process until :meth:`release` (or until the process ends)."""

    def __init__(self, handle):
        self._handle = handle

    def release(self):
        if self._handle is not None:
            self._handle.close()  # closing the file gives its lock back
            self._handle = None


def take_slot():
    """A free slot, or None when all ``EXPORT_CONCURRENCY`` are held (by any process here)."""
    if fcntl is None:
        return Slot(None)
    directory = Path(settings.EXPORT_SLOTS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(max(1, settings.EXPORT_CONCURRENCY)):
        handle = open(directory / f"slot-{number}", "ab")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        return Slot(handle)
    return None


class HeldBody:
    """A streamed body that gives its slot back when the response closes it. (A class, not a
    generator: the server closes a body it never iterated, a ``HEAD`` say, and a generator
    closed before its first step would not run its ``finally``.)"""

    def __init__(self, body, slot):
        self._body = body
        self._slot = slot

    def __iter__(self):
        return iter(self._body)

    def close(self):
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._slot.release()


def seconds_to_wait(request):
    """0 if this client may download now (and counts this download), else the seconds until
    its window ends."""
    allowed, period = parse_rate(settings.EXPORT_RATE_LIMIT)
    now = time.time()
    window = int(now // period)
    key = f"export-rate:{client_ip(request) or 'unknown'}:{period}:{window}"
    cache.add(key, 0, period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add() and incr()
        cache.set(key, 1, period + 1)
        count = 1
    if count <= allowed:
        return 0
    return max(1, int((window + 1) * period - now + 0.999))
