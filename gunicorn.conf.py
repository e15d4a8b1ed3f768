"""gunicorn settings for Sanad:  gunicorn -c gunicorn.conf.py sanad.wsgi

Every value can be changed from the environment (defaults in brackets):

GUNICORN_BIND        [0.0.0.0:8000]  address to listen on
GUNICORN_WORKERS     [2 × cores + 1]  worker processes (5 on a 2-core machine)
GUNICORN_WORKER_CLASS [sync]          "sync": one request per process at a time; the timeout
                                      below kills a worker stuck on one request. ("gthread"
                                      with GUNICORN_THREADS serves slow clients better, but a
                                      thread stuck on a request is not killed by the timeout.)
GUNICORN_THREADS     [1]             threads per worker (gthread only)
GUNICORN_TIMEOUT     [30]            seconds a worker may spend on one request before it is
                                      killed and restarted (the request answers 502/500). The
                                      slowest legitimate request — saving a meeting of 100
                                      participants and 100 recommendations — takes well under
                                      2 s (docs/performance-staff.md); an inflated form is
                                      refused in under a second. The longest downloads, the
                                      exports of a list, are capped (EXPORT_MAX_ROWS) so that
                                      they end in a few seconds at 100,000 meetings (1.3-1.8 s
                                      alone, docs/performance.md), and at most
                                      EXPORT_CONCURRENCY large ones run at once (half the
                                      workers less one), so the others stay free for pages;
                                      the whole dataset is a static file (docs/open-data.md).
GUNICORN_GRACEFUL_TIMEOUT [30]       seconds to finish running requests on restart
GUNICORN_KEEPALIVE   [5]             seconds to keep an idle connection (behind a proxy)
GUNICORN_MAX_REQUESTS [1000]         restart a worker after this many requests (plus up to
GUNICORN_MAX_REQUESTS_JITTER [100]   this many, so that workers do not restart together):
                                      bounds the memory a long-lived worker can accumulate
GUNICORN_LIMIT_REQUEST_LINE [8190]   longest request line (method, address, query string):
                                      a search with filters in Arabic is percent-encoded, six
                                      bytes a letter; 8190 is gunicorn's maximum
GUNICORN_LIMIT_REQUEST_FIELDS [50]   most header fields in a request
GUNICORN_LIMIT_REQUEST_FIELD_SIZE [8190] largest header field (cookies included)
GUNICORN_LOG_LEVEL   [info]

Memory: a worker takes about 130 MB once started (its templates compiled and the PDF fonts
parsed; measured with 100,000 meetings), so the default five need about 650 MB. Each worker
holds its own PostgreSQL pool (DB_POOL_MIN/DB_POOL_MAX): workers × DB_POOL_MAX must stay
below the server's max_connections (100 by default). With the default local-memory cache
each worker has its own page cache; REDIS_URL shares one between them (README).
"""

import os
import sys

# The project's own modules, wherever gunicorn was started from (its --chdir comes later).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sanad.serving import gunicorn_workers  # noqa: E402 - after the path above


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = gunicorn_workers()  # GUNICORN_WORKERS, or 2 × cores + 1 (sanad/serving.py)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
limit_request_line = _int("GUNICORN_LIMIT_REQUEST_LINE", 8190)
limit_request_fields = _int("GUNICORN_LIMIT_REQUEST_FIELDS", 50)
limit_request_field_size = _int("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 8190)
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Workers import the application after forking: each opens its own database pool.
preload_app = False


def post_worker_init(worker):
    """Each worker does before its first request what only needs doing once
    (``sanad.startup.warm_up``): builds the URL patterns, compiles the templates and parses
    the PDF fonts, so that the first readers on a new worker do not wait 0.2-0.6 s more for
    it. With gthread workers each thread still parses its own fonts on its first PDF.

    Then everything the worker holds by now (Django, the URLs, the templates, the parsed
    fonts: about 200,000 objects that live as long as the worker) is moved out of the garbage
    collector's sight (``gc.freeze``). Without it, every full collection walks them all again:
    one PDF in four paid 60-80 ms for it (docs/performance.md, "Session 13")."""
    import gc

    from sanad.startup import warm_up

    warm_up()
    gc.freeze()
