"""Sanad settings: one file, driven by environment variables.

Development gets safe defaults (SQLite under var/, a throwaway secret key when
DEBUG is on); production must set SECRET_KEY and fails loudly without it.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)

# The test suite runs with DEBUG off, like production, but needs no secret and
# no collectstatic manifest.
TESTING = "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. "
            "For local development run with DEBUG=1 (make run does)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Absolute base used in feeds, sitemaps, calendar and share meta when no request
# is at hand. Empty means "derive from the request".
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin so that its admin
    # integration patches the registered ModelAdmins.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Versions of every meeting, recommendation, participation, person and
    # organisation (registered in MeetingsConfig.ready(), see meetings/history.py).
    "simple_history",
    "meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise right after SecurityMiddleware: static files skip the rest.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A strict Content-Security-Policy on every page, error pages included (see sanad/middleware.py).
    "sanad.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # LocaleMiddleware needs the session and must precede CommonMiddleware so
    # that language-prefixed URLs resolve before APPEND_SLASH redirects.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: records request.user as the author of each historical version.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sanad.urls"
WSGI_APPLICATION = "sanad.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# Unset DATABASE_URL means the embedded SQLite file under var/. A postgres://
# URL switches to PostgreSQL through psycopg 3 with its connection pool; the
# pool replaces persistent connections, so CONN_MAX_AGE stays 0.

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "sanad.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not TESTING:
    # Not under the test suite: a pool opened before the test database exists (system
    # checks query the database) keeps pointing at the original database after
    # pytest-django switches to test_<name>.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN", "2")),
        "max_size": int(os.environ.get("DB_POOL_MAX", "10")),
        "timeout": 10,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The test database is made from template0 so that it gets the cluster's
    # UTF-8 locale rather than whatever template1 was changed to.
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
    # Choice menus iterate their options with .iterator(): a server-side cursor costs three
    # round trips more for a menu of twenty rows (and breaks behind a transaction pooler).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Opt in now to Django 6.0's behaviour: a URL typed without a scheme is https.
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Authentication ---------------------------------------------------------

if TESTING:
    # Hashing is deliberately slow; the suite creates hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The staff workspace signs in at /accounts/login/ (Arabic) and lands on its dashboard.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff:dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- Languages and time ------------------------------------------------------

LANGUAGE_CODE = "ar"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own Arabic date formats (sanad/formats/ar/formats.py): Django's put the month first.
FORMAT_MODULE_PATH = ["sanad.formats"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Aden")
USE_TZ = True

# Arabic is the default and required language of every translated field;
# English is optional and falls back to Arabic.
MODELTRANSLATION_DEFAULT_LANGUAGE = "ar"
MODELTRANSLATION_LANGUAGES = ("ar", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ar",)
# The tabbed admin needs jQuery UI; we serve our own copy instead of the
# library's CDN default (no third-party hosts, and it works offline).
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# --- Static and media files -------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
# WhiteNoise warns on every request when STATIC_ROOT is missing (before the
# first collectstatic), so make sure it exists.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"

# Attachments (minutes, attendance sheets, photos) are checked by content and
# refused above this size. Uploads live under MEDIA_ROOT, never under static/,
# and are served only through views that check permission (MEDIA_URL is not routed).
SANAD_MAX_UPLOAD_SIZE = int(float(os.environ.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names with far-future caching. Tests and DEBUG use
        # the plain storage so that no collectstatic run is needed first.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# --- Security ---------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and bool(os.environ.get("SECURE_SSL_REDIRECT")))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Email ------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sanad@localhost")

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
