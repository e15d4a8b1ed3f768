"""What the settings and ``gunicorn.conf.py`` both need to know about serving, in one place.
Plain Python: ``gunicorn.conf.py`` imports it before Django is set up."""

import os

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def gunicorn_workers():
    """gunicorn's worker processes: ``GUNICORN_WORKERS``, or 2 × cores + 1 (5 on 2 cores)."""
    value = os.environ.get("GUNICORN_WORKERS", "").strip()
    return int(value) if value else (os.cpu_count() or 1) * 2 + 1


def parse_rate(rate):
    """``"30/minute"`` → ``(30, 60)``; ``ValueError`` for anything but N/second, N/minute,
    N/hour or N/day. (``API_RATE_LIMIT`` is read by Django REST framework's own parser, which
    looks only at the period's first letter: ``30/mango`` would be 30 a minute there.)"""
    number, slash, period = str(rate).partition("/")
    try:
        allowed, seconds = int(number), PERIODS[period.strip().lower()]
    except (ValueError, KeyError):
        allowed = seconds = None
    if not slash or allowed is None or allowed < 0:
        raise ValueError(f"a rate reads N/second, N/minute, N/hour or N/day, not {rate!r}")
    return allowed, seconds
