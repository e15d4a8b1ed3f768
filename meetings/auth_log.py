"""Sign-ins, failed sign-ins and lockouts (django-axes), on every login form (the workspace's and the admin's), go to the security log."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed

from .models.security import SecurityEvent, record_security_event


def _logged_in(sender, request, user, **kwargs):
    record_security_event(SecurityEvent.Action.LOGIN, request=request, user=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the name that was tried: Django masks the password, and it is not kept in any form.
    tried = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or ""
    record_security_event(SecurityEvent.Action.LOGIN_FAILED, request=request, target=str(tried))


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record_security_event(SecurityEvent.Action.LOCKOUT, request=request, target=str(username or ""))


def connect():
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="sanad_security_log_lockout")
    user_logged_in.connect(_logged_in, dispatch_uid="sanad_security_log_login")
    user_login_failed.connect(_login_failed, dispatch_uid="sanad_security_log_login_failed")
