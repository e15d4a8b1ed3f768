"""``EMAIL_URL``: the SMTP server in one environment variable.

- ``smtp://user:password@host:25`` — plain SMTP (a relay on the same host or network);
- ``smtp+tls://user:password@host:587`` — STARTTLS;
- ``smtp+ssl://user:password@host:465`` — implicit TLS.

User and password are percent-encoded (``%40`` for ``@``). Without a port, 25, 587 and
465 respectively. Returns the Django settings to set.
"""

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SCHEMES = {"smtp": (25, False, False), "smtp+tls": (587, True, False), "smtp+ssl": (465, False, True)}


def parse_email_url(url):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtp+tls:// or smtp+ssl:// (got {scheme or 'no scheme'}://)."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL has no host name, e.g. smtp+tls://user:password@mail.example.org:587")
    default_port, use_tls, use_ssl = SCHEMES[scheme]
    try:
        port = parts.port or default_port
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL has an invalid port: {error}") from error
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
