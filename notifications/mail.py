"""Rendering and sending one notification mail, in the recipient's language."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def site_root(request=None):
    """The public address links in mail point to: ``SITE_URL``, else the host of the request being
    answered; a command run from cron has no request, so it needs ``SITE_URL``."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    raise ImproperlyConfigured("Set SITE_URL (e.g. https://sanad.example.org): mail links need the public address.")


def absolute(path, request=None):
    return f"{site_root(request)}{path}"


def render_mail(template, context, *, language):
    """``(subject, body)`` of ``notifications/email/<template>_{subject,body}.txt`` in ``language``."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"notifications/email/{template}_subject.txt", context).split())
        body = render_to_string(f"notifications/email/{template}_body.txt", context)
    return subject, body


def send(template, context, *, to, language, unsubscribe_url=None, connection=None):
    """Send one plain-text mail; with ``unsubscribe_url`` it carries RFC 8058 one-click unsubscribe headers."""
    subject, body = render_mail(template, context, language=language)
    headers = {"Content-Language": language}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMessage(subject, body, None, [to], headers=headers, connection=connection)
    message.send()
