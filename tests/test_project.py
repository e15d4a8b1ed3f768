"""Project-level health: system checks, migrations in step with the models, settings rules."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parent.parent


def test_system_check_is_clean():
    out = StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_migrations_match_the_models():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def _settings_value(expression, **env):
    """Evaluate a settings expression in a fresh interpreter with exactly the given environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "TIME_ZONE"}}
    clean.update(env)
    code = f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='sanad.settings'; from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_value("settings.DEBUG")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_defaults_are_sqlite_arabic_and_aden_time():
    result = _settings_value(
        "settings.DATABASES['default']['ENGINE'], settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.DEBUG",
        SECRET_KEY="x",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3 ar Asia/Aden False"


def test_database_url_switches_to_postgresql_with_a_pool():
    result = _settings_value(
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'], "
        "bool(settings.DATABASES['default']['OPTIONS']['pool'])",
        SECRET_KEY="x",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/somewhere",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql somewhere True"
