"""Sign-in hardening: lockout after failed logins (django-axes) on every login form,
client addresses behind proxies, idle staff sessions, TOTP two-factor, e-mail settings."""

import base64
import hashlib
import hmac
import os
import re
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.client import client_address
from accounts.middleware import SESSION_LAST_SEEN
from meetings.models import Membership
from sanad.email_url import parse_email_url
from tests import factories
from tests.staff_helpers import PASSWORD, arabic, fast_passwords, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")

BASE_DIR = Path(__file__).resolve().parent.parent
DASHBOARD = reverse("staff:dashboard")
LOCKED_SINGULAR = "Too many failed sign-in attempts. For your protection, signing in is blocked for %(minutes)s minute."
LOCKED_PLURAL = "Too many failed sign-in attempts. For your protection, signing in is blocked for %(minutes)s minutes."


def _locked_message(minutes=30):
    from django.utils import translation
    from django.utils.html import escape

    with translation.override("ar"):
        return escape(translation.ngettext(LOCKED_SINGULAR, LOCKED_PLURAL, minutes) % {"minutes": minutes})


def _signed_in(client):
    return "_auth_user_id" in client.session


def _locked_page(response):
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in page or 'lang="ar"' in page
    assert _locked_message(30) in page
    return page


# --- Lockout ------------------------------------------------------------------------


@pytest.mark.parametrize("login_url", [reverse("login"), reverse("admin:login")])
def test_fifty_wrong_passwords_then_the_right_one_is_refused_during_the_cool_off(client, world, login_url):
    user = world.superuser if "admin" in login_url else world.editor
    statuses = [
        client.post(login_url, {"username": user.username, "password": f"wrong-{i}"}).status_code for i in range(50)
    ]
    assert statuses[:4] == [200] * 4  # the form again, with its error
    assert set(statuses[5:]) == {429}
    response = client.post(login_url, {"username": user.username, "password": PASSWORD})
    _locked_page(response)
    assert not _signed_in(client)
    assert client.get(DASHBOARD).status_code == 302


def test_the_lockout_page_does_not_tell_whether_the_username_exists(client, world):
    pages = {}
    for username in ("editor", "no-such-user"):
        for i in range(6):
            response = client.post(
                reverse("login"), {"username": username, "password": f"wrong-{i}"}, REMOTE_ADDR=f"10.0.0.{len(pages) + 1}"
            )
        pages[username] = _locked_page(response)
        pages[username] = pages[username].replace(username, "")
    # Same page (the CSRF token aside) for an existing and a made-up user name.
    strip = lambda page: re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)  # noqa: E731
    assert strip(pages["editor"]) == strip(pages["no-such-user"])


def test_lockout_by_client_address_covers_other_usernames(client, world):
    for i in range(5):
        client.post(reverse("login"), {"username": f"guess{i}", "password": "x"}, REMOTE_ADDR="192.0.2.7")
    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="192.0.2.7")
    _locked_page(response)
    # The same user from another address is not blocked by that address's failures.
    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 302 and _signed_in(client)


def test_lockout_by_username_covers_every_address(client, world):
    for i in range(5):
        client.post(reverse("login"), {"username": "editor", "password": "x"}, REMOTE_ADDR=f"198.51.100.{i + 1}")
    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    _locked_page(response)
    assert not _signed_in(client)


def test_the_lockout_ends_after_the_cool_off(client, world):
    from axes.models import AccessAttempt

    for i in range(5):
        client.post(reverse("login"), {"username": "editor", "password": "x"})
    assert client.post(reverse("login"), {"username": "editor", "password": PASSWORD}).status_code == 429
    # Move the attempts back past the cool-off period, as time would.
    from django.conf import settings
    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(minutes=1))
    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302 and _signed_in(client)


def test_a_success_below_the_limit_resets_the_count(client, world):
    for i in range(4):
        client.post(reverse("login"), {"username": "editor", "password": "x"})
    assert client.post(reverse("login"), {"username": "editor", "password": PASSWORD}).status_code == 302
    client.logout()
    for i in range(4):
        client.post(reverse("login"), {"username": "editor", "password": "x"})
    assert client.post(reverse("login"), {"username": "editor", "password": PASSWORD}).status_code == 302


# --- Client addresses behind proxies ------------------------------------------------


def test_client_address_ignores_forwarded_headers_without_a_trusted_proxy(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "203.0.113.5"


def test_client_address_takes_the_address_the_trusted_proxies_saw(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; our proxy appended the real one.
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert client_address(request) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5, 10.0.0.1")
    assert client_address(request) == "203.0.113.5"


def test_lockout_behind_a_proxy_counts_the_forwarded_address(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        client.post(
            reverse("login"), {"username": f"guess{i}", "password": "x"}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5"
        )
    # Another client behind the same proxy is not locked out.
    response = client.post(
        reverse("login"), {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert response.status_code == 302


# --- Idle sessions -------------------------------------------------------------------


def test_a_staff_session_ends_after_the_idle_period(client, world, settings):
    settings.SESSION_IDLE_MINUTES = 60
    assert client.login(username="editor", password=PASSWORD)
    assert client.get(DASHBOARD).status_code == 200
    session = client.session
    assert SESSION_LAST_SEEN in session
    # Still active 59 minutes later.
    session[SESSION_LAST_SEEN] = time.time() - 59 * 60
    session.save()
    assert client.get(DASHBOARD).status_code == 200
    # 61 minutes without a request: signed out, sent to the login page.
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 61 * 60
    session.save()
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not _signed_in(client)


# --- Two-factor ----------------------------------------------------------------------


def totp(secret_b32, at=None, digits=6, step=30):
    """RFC 6238 TOTP, computed here independently of the application's library."""
    secret = "".join(secret_b32.split()).upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def _enrol(client):
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', page)
    svg = base64.b64decode(re.search(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", page).group(1))
    assert b"<svg" in svg
    secret = re.search(r'<code dir="ltr" class="secret-key">([A-Z2-7 ]+)</code>', page).group(1)
    return secret


def test_enrolment_then_login_asks_for_a_real_totp_code(client, world):
    assert client.login(username="editor", password=PASSWORD)
    secret = _enrol(client)
    wrong = client.post(reverse("two_factor_setup"), {"token": "000000" if totp(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert arabic("This code is not valid. Check your device's clock and enter the current code.", html=True) in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles: one second after a failure
    enrolled_at = time.time()
    response = client.post(reverse("two_factor_setup"), {"token": totp(secret, at=enrolled_at), "next": DASHBOARD})
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    client.logout()

    # Next sign-in: the password alone does not open the workspace or the admin.
    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("password_change"))["Location"].startswith(reverse("two_factor_verify"))
    # A wrong code is refused; the real one (from the key the page showed) lets them in.
    assert client.post(reverse("two_factor_verify"), {"token": "12345x", "next": DASHBOARD}).status_code == 200
    assert client.get(DASHBOARD).status_code == 302
    time.sleep(1.1)
    # A code is accepted once: the one used for enrolment is refused; the next period's
    # (within the one-step tolerance for clock drift) is accepted.
    response = client.post(reverse("two_factor_verify"), {"token": totp(secret, at=enrolled_at), "next": DASHBOARD})
    assert response.status_code == 200
    time.sleep(2.1)
    response = client.post(reverse("two_factor_verify"), {"token": totp(secret, at=enrolled_at + 30), "next": DASHBOARD})
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_two_factor_is_optional_unless_the_role_requires_it(client, world, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    client.force_login(world.reviewer)
    assert client.get(DASHBOARD).status_code == 200

    settings.TWO_FACTOR_REQUIRED_ROLES = ["reviewer", "administrator"]
    client.force_login(world.reviewer)  # decided at sign-in
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))
    # An editor is not concerned.
    client.force_login(world.editor)
    assert client.get(DASHBOARD).status_code == 200
    # The reviewer enrols and then reaches the workspace.
    client.force_login(world.reviewer)
    secret = _enrol(client)
    response = client.post(reverse("two_factor_setup"), {"token": totp(secret), "next": DASHBOARD})
    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_a_superuser_counts_as_an_administrator_for_mandatory_two_factor(client, world, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["administrator"]
    client.force_login(world.superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))


def test_enrolment_cannot_be_redone_with_only_the_password(client, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.editor, name="phone", confirmed=True)
    client.force_login(world.editor)
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=world.editor).count() == 1


# --- E-mail settings -------------------------------------------------------------------


def test_email_url_configures_smtp():
    assert parse_email_url("smtp+tls://sanad%40example.org:p%40ss@mail.example.org:2525") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "sanad@example.org",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }
    ssl = parse_email_url("smtp+ssl://u:p@mail.example.org")
    assert (ssl["EMAIL_PORT"], ssl["EMAIL_USE_SSL"], ssl["EMAIL_USE_TLS"]) == (465, True, False)
    plain = parse_email_url("smtp://localhost")
    assert (plain["EMAIL_PORT"], plain["EMAIL_HOST_USER"], plain["EMAIL_USE_TLS"]) == (25, "", False)


def _django_setup(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "EMAIL_URL", "EMAIL_BACKEND", "EMAIL_ALLOW_CONSOLE"}}
    clean.update({"SECRET_KEY": "x" * 50, **env})
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='sanad.settings'; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=60)


def test_production_start_up_refuses_a_console_email_backend():
    result = _django_setup()
    assert result.returncode != 0
    assert "EMAIL_BACKEND is django.core.mail.backends.console.EmailBackend with DEBUG off" in result.stderr
    result = _django_setup(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    assert result.returncode != 0
    # Explicitly allowed, or a real SMTP server: it starts.
    assert _django_setup(EMAIL_ALLOW_CONSOLE="1").returncode == 0
    result = _django_setup(EMAIL_URL="smtp+tls://u:p@mail.example.org:587")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"
    assert _django_setup(DEBUG="1").returncode == 0


# --- HTTPS behind a proxy, HSTS --------------------------------------------------------


def test_behind_a_tls_proxy_the_ssl_redirect_does_not_loop_and_hsts_is_sent(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    # Plain HTTP (the proxy says so): redirected to HTTPS.
    response = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="http")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    # HTTPS ended at the proxy: served, with HSTS.
    response = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_proxy_and_hsts_settings_come_from_the_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG", "TRUSTED_PROXY"))}
    env.update(
        SECRET_KEY="x" * 50,
        SECURE_PROXY_SSL_HEADER="1",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        TRUSTED_PROXY_COUNT="2",
        SESSION_IDLE_MINUTES="15",
        TWO_FACTOR_REQUIRED_ROLES="reviewer, administrator",
    )
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='sanad.settings'; from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.TRUSTED_PROXY_COUNT, s.SESSION_IDLE_MINUTES, s.TWO_FACTOR_REQUIRED_ROLES)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https') 600 True False 2 15.0 ['reviewer', 'administrator']"
    del env["SECURE_PROXY_SSL_HEADER"]
    result = subprocess.run(
        [sys.executable, "-c", code.replace("s.SECURE_PROXY_SSL_HEADER", "getattr(s, 'SECURE_PROXY_SSL_HEADER', None)")],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.split()[0] == "None"


def test_a_lockout_is_recorded_in_the_security_log(client, world):
    from meetings.models import SecurityEvent

    for i in range(6):
        client.post(reverse("login"), {"username": world.editor.username, "password": f"wrong-{i}"})
    lockouts = SecurityEvent.objects.filter(action=SecurityEvent.Action.LOCKOUT)
    assert lockouts.exists()
    assert lockouts.first().target == world.editor.username
