"""Request-level guards: body size before parsing, idle staff sessions, the TOTP step."""

import re
import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode


def _human_size(size):
    return f"{size / (1024 * 1024):g}"


class RequestSizeLimitMiddleware:
    """Refuse, with 413 and a page that says why, a request whose declared body is larger
    than the largest upload (plus a margin for the form's other fields) — before any of it
    is read or parsed. The front server should refuse it even earlier (README, production)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.SANAD_MAX_REQUEST_SIZE
        if declared > limit:
            response = render(
                request,
                "accounts/request_too_large.html",
                {"limit_mb": _human_size(settings.SANAD_MAX_UPLOAD_SIZE)},
                status=413,
            )
            # The body was not read: the connection cannot be reused for another request.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


def _staff_path_pattern():
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    # The workspace, the admin, and changing one's password (which the password alone must not allow).
    return re.compile(rf"^/(?:(?:{languages})/)?(?:staff/|admin/|accounts/password_change/)")


SESSION_LAST_SEEN = "sanad_last_seen"
SESSION_TWO_FACTOR = "sanad_two_factor"
# The session is written at most once a minute for the idle clock, not on every request.
LAST_SEEN_RESOLUTION = 60


class IdleSessionMiddleware:
    """Sign out a user who made no request for ``SESSION_IDLE_MINUTES``.

    The time of the last request is kept in the session (written at most once a minute).
    A request after the idle period finds the user signed out: a workspace or admin page
    sends them to the login page, a public page is simply shown anonymously."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Without a session cookie nobody is signed in: asking would touch the session and
        # mark every anonymous page "Vary: Cookie", which the page cache may not store.
        if _has_session(request) and user is not None and user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(SESSION_LAST_SEEN)
            idle = settings.SESSION_IDLE_MINUTES * 60
            if last_seen is not None and now - last_seen > idle:
                logout(request)
            elif last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """Before any workspace or admin page: a user with a confirmed TOTP device must enter
    a code once per session; a user whose role requires two-factor
    (``TWO_FACTOR_REQUIRED_ROLES``) and has no device is sent to enrol first.

    What the session still owes is decided once, at sign-in (:func:`on_login`), so that
    pages cost no query for it; a role given later applies from the next sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.guarded = _staff_path_pattern()

    def __call__(self, request):
        user = getattr(request, "user", None)
        if self.guarded.match(request.path_info) and _has_session(request) and user is not None and user.is_authenticated:
            if not request.path_info.rstrip("/").endswith("/admin/logout"):
                if not request.user.is_verified():
                    step = request.session.get(SESSION_TWO_FACTOR)
                    if step == "verify":
                        return _to("two_factor_verify", request)
                    if step == "setup":
                        return _to("two_factor_setup", request)
        return self.get_response(request)


def _has_session(request):
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _to(name, request):
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")




def on_login(sender, request, user, **kwargs):
    """At sign-in: start the idle clock, and note which two-factor step the session owes."""
    if request is None or not hasattr(request, "session"):
        return
    from .two_factor import has_device, two_factor_required

    request.session[SESSION_LAST_SEEN] = time.time()
    if has_device(user):
        request.session[SESSION_TWO_FACTOR] = "verify"
    elif two_factor_required(user):
        request.session[SESSION_TWO_FACTOR] = "setup"
    else:
        request.session.pop(SESSION_TWO_FACTOR, None)
