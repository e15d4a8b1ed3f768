"""PostgreSQL pooled connections are checked before use: after the server's connections
are killed (as a database restart does), the next requests answer 200, not 500.

Runs the application for real in gunicorn with the pool enabled (the test suite itself
runs without it, see settings), against the test database."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
APPLICATION_NAME = "sanad_pool_test"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


LAST_ERROR = []


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - 127.0.0.1 only
            return response.status
    except urllib.error.HTTPError as error:
        LAST_ERROR[:] = [error.read()[:3000]]
        return error.code


@pytest.fixture
def pooled_server(db):
    if connection.vendor != "postgresql":
        pytest.skip("the connection pool is PostgreSQL's (psycopg_pool)")
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
        f"/{settings_dict['NAME']}?application_name={APPLICATION_NAME}"
    )
    port = _free_port()
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_URL", "DEBUG", "EMAIL_", "DB_POOL"))
    }
    env.update(
        DATABASE_URL=database_url,
        # DEBUG for the plain static storage (no collectstatic manifest); the pool is the same.
        DEBUG="1",
        SECRET_KEY="pool-test-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        DB_POOL_MIN="2",
        DB_POOL_MAX="2",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "sanad.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(base + "/robots.txt")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _kill_pooled_connections():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
            [APPLICATION_NAME],
        )
        return cursor.fetchone()[0]


def test_killed_pooled_connections_cost_no_500(pooled_server):
    pages = [pooled_server + "/meetings/", pooled_server + "/organizations/"]
    for _round in range(3):
        assert [_get(page) for page in pages] == [200, 200], LAST_ERROR
    assert _kill_pooled_connections() >= 1
    time.sleep(0.5)
    statuses = [_get(page) for _round in range(3) for page in pages]
    assert statuses == [200] * len(statuses)
    # And once more, with every connection of the pool killed between two requests.
    assert _kill_pooled_connections() >= 1
    assert _get(pages[0]) == 200


def test_the_production_pool_checks_connections_before_use():
    """Runs everywhere (no database needed): the settings Django builds its pool from."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG"}}
    env.update(DATABASE_URL="postgres://sanad@127.0.0.1:5432/sanad", SECRET_KEY="x" * 50)
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='sanad.settings'; from django.conf import settings; "
        "d = settings.DATABASES['default']; print(d['CONN_HEALTH_CHECKS'], bool(d['OPTIONS'].get('pool')), d['CONN_MAX_AGE'])"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "0"]
