from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Backends that never deliver a mail: a password-reset link would end up in a log or nowhere.
UNDELIVERING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


def check_email_backend():
    """With DEBUG off, refuse to start with a backend that delivers nothing, unless EMAIL_ALLOW_CONSOLE=1."""
    if settings.DEBUG or getattr(settings, "TESTING", False) or getattr(settings, "EMAIL_ALLOW_CONSOLE", False):
        return
    if settings.EMAIL_BACKEND in UNDELIVERING_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND} with DEBUG off: password-reset and invitation "
            "mails would never be delivered. Set EMAIL_URL (e.g. smtp+tls://user:password@mail.example.org:587), "
            "or EMAIL_ALLOW_CONSOLE=1 to accept it knowingly."
        )


class AccountsConfig(AppConfig):
    """Sign-in hardening: lockout pages, client addresses behind proxies, idle sessions,
    TOTP two-factor and the e-mail start-up check."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import on_login

        check_email_backend()
        user_logged_in.connect(on_login, dispatch_uid="accounts.on_login")
