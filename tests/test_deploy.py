"""The production environment documented in the README passes Django's deployment checks."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def documented_production_environment():
    """The ```env block of the README's Production section, placeholders filled in."""
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    production = readme[readme.index("## Production\n") :]
    block = re.search(r"```env\n(.*?)\n```", production, re.S).group(1)
    env = {}
    for line in block.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, value = line.split("=", 1)
        # <…> marks what each site must choose: a secret, a password.
        env[name.strip()] = re.sub(r"<[^<>]*\s[^<>]*>|<password>", lambda _m: secrets.token_urlsafe(50), value)
    return env


def test_the_readme_documents_the_required_production_settings():
    env = documented_production_environment()
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "EMAIL_URL", "DATABASE_URL"):
        assert env.get(name), name
    assert len(env["SECRET_KEY"]) >= 50


def test_check_deploy_passes_with_the_documented_production_environment():
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DEBUG", "SECRET_KEY", "DATABASE_URL", "EMAIL_", "SECURE_", "ALLOWED_HOSTS", "CSRF_", "AXES_"))
        # Set by the browser tests' conftest for Playwright in this process; not production's.
        and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    clean.update(documented_production_environment())
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_without_hsts_and_https():
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DEBUG", "SECURE_")) and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env = documented_production_environment()
    for name in ("SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT"):
        env.pop(name)
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout and "security.W008" in result.stderr + result.stdout
