"""Production settings of this branch: the page cache's switches, the cache backend, and
gunicorn.conf.py (the README's production command)."""

import gc
import runpy
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.test_project import _settings_value

BASE_DIR = Path(__file__).resolve().parent.parent


def test_the_page_cache_is_on_by_default_and_page_cache_0_turns_it_off():
    on = _settings_value(
        "settings.PAGE_CACHE, settings.CACHES['default']['BACKEND'], settings.PAGE_CACHE_MIN_USES", SECRET_KEY="x"
    )
    assert on.returncode == 0, on.stderr
    # A page is stored on its second request by default (meetings/page_cache.py, "Admission").
    assert on.stdout.strip() == "True django.core.cache.backends.locmem.LocMemCache 2"
    every = _settings_value("settings.PAGE_CACHE_MIN_USES", SECRET_KEY="x", PAGE_CACHE_MIN_USES="1")
    assert every.stdout.strip() == "1"
    off = _settings_value("settings.PAGE_CACHE", SECRET_KEY="x", PAGE_CACHE="0")
    assert off.stdout.strip() == "False"


def test_redis_url_switches_the_cache_to_redis():
    result = _settings_value(
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION']",
        SECRET_KEY="x",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache redis://127.0.0.1:6379/3"


def _gunicorn_settings(cwd=BASE_DIR, **env):
    code = "import json, runpy, sys; ns = runpy.run_path(sys.argv[1]); print(json.dumps({k: ns[k] for k in ('workers', 'timeout', 'worker_class', 'limit_request_line', 'limit_request_fields', 'max_requests', 'bind')}))"
    import json
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}
    clean.update(env)
    result = subprocess.run([sys.executable, "-c", code, str(BASE_DIR / "gunicorn.conf.py")], cwd=cwd, env=clean, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_gunicorn_conf_sets_a_timeout_workers_and_limits_overridable_from_the_environment():
    import multiprocessing

    defaults = _gunicorn_settings()
    assert defaults["timeout"] == 30
    assert defaults["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert defaults["worker_class"] == "sync"
    assert defaults["limit_request_line"] == 8190
    assert defaults["max_requests"] > 0
    changed = _gunicorn_settings(GUNICORN_WORKERS="3", GUNICORN_TIMEOUT="20", GUNICORN_BIND="127.0.0.1:9000")
    assert (changed["workers"], changed["timeout"], changed["bind"]) == (3, 20, "127.0.0.1:9000")
    # Read from anywhere (gunicorn -c /path/to/gunicorn.conf.py): it finds the project's modules.
    assert _gunicorn_settings(cwd="/", GUNICORN_WORKERS="4")["workers"] == 4


def test_each_gunicorn_worker_parses_the_pdf_fonts_before_its_first_request():
    from tests.test_printing import FONT_PATHS, in_a_new_thread, parsed_in_this_thread

    hooks = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))

    def start_a_worker():
        hooks["post_worker_init"](worker=None)
        return parsed_in_this_thread()

    assert in_a_new_thread(start_a_worker) == (FONT_PATHS, FONT_PATHS)


def test_each_gunicorn_worker_builds_its_urls_and_compiles_every_template_before_its_first_request():
    from django.template import engines
    from django.urls import clear_url_caches, get_resolver

    from sanad.startup import project_templates

    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    clear_url_caches()
    hooks = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    try:
        hooks["post_worker_init"](worker=None)
    finally:
        gc.unfreeze()
    names = project_templates()
    assert {"base.html", "meetings/meeting_detail.html", "includes/meeting_card.html",
            "registration/login.html"} <= set(names)
    assert set(names) <= set(loader.get_template_cache)
    assert {language for language, _name in settings.LANGUAGES} <= set(get_resolver()._reverse_dict)


def test_each_gunicorn_worker_hides_what_it_holds_at_start_from_the_garbage_collector():
    """The objects a worker holds when it starts, the parsed fonts among them, live as long
    as the worker: frozen, no full collection walks them again (a PDF in four paid 60-80 ms)."""
    from meetings import printing
    from tests.test_printing import in_a_new_thread

    hooks = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))

    def start_a_worker():
        hooks["post_worker_init"](worker=None)
        fonts = list(printing._parsed.fonts.values())
        collected = {id(tracked) for tracked in gc.get_objects()}
        return gc.get_freeze_count(), [id(font) in collected for font in fonts]

    gc.unfreeze()
    try:
        frozen, fonts_collected = in_a_new_thread(start_a_worker)
    finally:
        gc.unfreeze()  # the test process itself goes on as before
    assert frozen > 10_000
    assert fonts_collected and not any(fonts_collected)


def test_gunicorn_accepts_the_configuration_file():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--check-config", "sanad.wsgi"],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x", "HOME": str(BASE_DIR), "EMAIL_ALLOW_CONSOLE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readme_production_command_uses_the_configuration_file():
    readme = (BASE_DIR / "README.md").read_text()
    assert "gunicorn -c gunicorn.conf.py sanad.wsgi" in readme
    for name in ("REDIS_URL", "PAGE_CACHE", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT"):
        assert f"`{name}`" in readme, name


def test_postgresql_connections_run_without_the_jit_compiler_unless_the_url_asks_for_it():
    """JIT compiled the workspace's statements for 0.2-0.8 s each (docs/performance.md, Session 21);
    parallel workers made a middling organisation's page slower (Session 27)."""
    url = "postgres://postgres@127.0.0.1:5432/sanad"
    off = _settings_value("settings.DATABASES['default']['OPTIONS']['options']", SECRET_KEY="x", DATABASE_URL=url)
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == "-c jit=off -c max_parallel_workers_per_gather=0"
    # An operator who wants them (or sets other options) says so in the URL, and is obeyed.
    on = _settings_value(
        "settings.DATABASES['default']['OPTIONS']['options']",
        SECRET_KEY="x",
        DATABASE_URL=f"{url}?options=-c%20jit%3Don%20-c%20max_parallel_workers_per_gather%3D2%20-c%20work_mem%3D8MB",
    )
    assert on.stdout.strip() == "-c jit=on -c max_parallel_workers_per_gather=2 -c work_mem=8MB"
    other = _settings_value(
        "settings.DATABASES['default']['OPTIONS']['options']", SECRET_KEY="x", DATABASE_URL=f"{url}?options=-c%20work_mem%3D8MB"
    )
    assert other.stdout.strip() == "-c work_mem=8MB -c jit=off -c max_parallel_workers_per_gather=0"
    sqlite = _settings_value("settings.DATABASES['default'].get('OPTIONS', {})", SECRET_KEY="x")
    assert sqlite.stdout.strip() == "{}"


def test_the_connection_in_use_has_jit_off(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        import pytest

        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather')")
        assert cursor.fetchone() == ("off", "0")
