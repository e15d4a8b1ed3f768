"""Sanad settings: one file, driven by environment variables.

Development gets safe defaults (SQLite under var/, a throwaway secret key when
DEBUG is on); production must set SECRET_KEY and fails loudly without it.
"""

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sanad.serving import gunicorn_workers, parse_rate

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
    # django.contrib.admin with a site that only superusers may enter (meetings/admin_site.py).
    "meetings.apps.SanadAdminConfig",
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
    # Sign-in hardening: lockout after failed logins, TOTP two-factor, idle sessions (accounts/).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "meetings",
    # Staff reminders and readers' e-mail digests (notifications/, docs/notifications.md).
    "notifications",
    # Bulk import of meetings from CSV/XLSX (imports/, docs/import.md).
    "imports",
    # Search across the published records (search/, docs/search.md): after meetings, whose records it indexes.
    "search",
    # The read-only public API at /api/v1/ (api/, docs/api.md), its OpenAPI schema and docs.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise right after SecurityMiddleware: static files skip the rest.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A strict Content-Security-Policy on every page, error pages included (see sanad/middleware.py).
    "sanad.middleware.ContentSecurityPolicyMiddleware",
    # fbclid=, utm_source=… taken off the address, so that a shared link gets the cached page
    # and its links do not carry the click's identifier (sanad/tracking_parameters.py).
    "sanad.tracking_parameters.TrackingParametersMiddleware",
    # Anonymous readers of public pages are answered from the cache before any session,
    # locale or authentication work (meetings/page_cache.py; PAGE_CACHE=0 turns it off).
    "meetings.page_cache.PageCacheMiddleware",
    # Text compressed for browsers that accept gzip; below the page cache, which stores the
    # compressed page (sanad/compression.py).
    "sanad.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # LocaleMiddleware needs the session and must precede CommonMiddleware so
    # that language-prefixed URLs resolve before APPEND_SLASH redirects.
    "django.middleware.locale.LocaleMiddleware",
    # A declared body larger than the upload limit is refused (413) before anything reads it.
    "accounts.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the TOTP step?
    "django_otp.middleware.OTPMiddleware",
    # Staff sessions end after SESSION_IDLE_MINUTES without a request; the TOTP step is
    # asked before the workspace and the admin when the user has (or must have) a device.
    "accounts.middleware.IdleSessionMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    # After authentication: records request.user as the author of each historical version.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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
    # A pooled connection is checked (a cheap round trip) before it is handed out, so that
    # connections killed by a database restart are replaced instead of answering a 500:
    # with the pool, Django passes check=ConnectionPool.check_connection to psycopg_pool
    # when CONN_HEALTH_CHECKS is on (tests/test_pool.py).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The test database is made from template0 so that it gets the cluster's
    # UTF-8 locale rather than whatever template1 was changed to.
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
    # Choice menus iterate their options with .iterator(): a server-side cursor costs three
    # round trips more for a menu of twenty rows (and breaks behind a transaction pooler).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # PostgreSQL's JIT compiler off (unless DATABASE_URL's own ?options= sets jit). It compiles
    # a statement whose *estimated* cost is high, and the workspace's statements, filtered by
    # one organisation through subqueries, are estimated far above what they cost: compiling
    # took 0.2-0.8 s of statements that run in a few milliseconds (docs/performance.md,
    # "Session 21"). Short statements, as every page sends, gain nothing from it.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if "jit" not in _options.get("options", ""):
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
    # No parallel workers either (same rule for the URL). A page's statement reads a few rows,
    # and on a small server the other cores are serving other requests: starting workers only
    # adds to a page, and a walk of the newest rows split among them read 60 times as many. The
    # recommendations addressed to a middling organisation took 28 ms instead of 11, the
    # search within an organisation 69 ms alone instead of 56 (docs/performance.md, "Session 27").
    if "max_parallel_workers_per_gather" not in _options["options"]:
        _options["options"] += " -c max_parallel_workers_per_gather=0"

# Covering indexes (INCLUDE) are a PostgreSQL feature; SQLite builds the same index without
# the extra column, which is all the embedded default needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A meeting's one-page form sends a dozen fields per participant, recommendation and
# organisation row (meetings.forms.MAX_ROWS rows per section at most): Django's default
# limit of 1,000 fields refused (400) a form of about 40 participants and 40 recommendations.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Opt in now to Django 6.0's behaviour: a URL typed without a scheme is https.
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Cache ------------------------------------------------------------------
# Local memory by default (one cache per process); REDIS_URL (redis://127.0.0.1:6379/0)
# switches to Redis, shared by every gunicorn worker and machine.

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "sanad"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sanad",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# Rows a download of a list may hold (docs/open-data.md): larger lists are refused with a link
# to the whole-dataset zip, so that an export ends well within GUNICORN_TIMEOUT. XLSX is the
# slowest format (the whole workbook is written before its first byte), hence its lower cap.
EXPORT_MAX_ROWS = int(os.environ.get("EXPORT_MAX_ROWS", "25000"))
EXPORT_MAX_ROWS_XLSX = int(os.environ.get("EXPORT_MAX_ROWS_XLSX", "10000"))
# What keeps downloads from crowding out the pages (meetings/exports/limits.py). A list of more
# than EXPORT_SLOT_ROWS rows is written only while its worker holds one of EXPORT_CONCURRENCY
# slots shared by the machine's processes (files under EXPORT_SLOTS_DIR); by default half of
# gunicorn's workers less one (sanad.serving.gunicorn_workers, as gunicorn.conf.py counts them),
# at least one, so the others stay free for pages. One client address may ask for
# EXPORT_RATE_LIMIT downloads (the suite's own default is high; tests/test_export_limits.py
# checks the limit with a low one).
EXPORT_SLOT_ROWS = int(os.environ.get("EXPORT_SLOT_ROWS", "2000"))
EXPORT_CONCURRENCY = int(os.environ.get("EXPORT_CONCURRENCY", "").strip() or max(1, (gunicorn_workers() - 1) // 2))
EXPORT_SLOTS_DIR = Path(
    os.environ.get("EXPORT_SLOTS_DIR")
    # The suite's processes run side by side (pytest -n): each has slots of its own.
    or (Path(tempfile.gettempdir()) / f"sanad-test-export-slots-{os.getpid()}" if TESTING else BASE_DIR / "var" / "export-slots")
)
EXPORT_RATE_LIMIT = os.environ.get("EXPORT_RATE_LIMIT", "100000/minute" if TESTING else "30/minute")
try:
    parse_rate(EXPORT_RATE_LIMIT)
except ValueError:
    raise ImproperlyConfigured(f"EXPORT_RATE_LIMIT must read N/second, N/minute, N/hour or N/day, not {EXPORT_RATE_LIMIT!r}.") from None

# Whole public pages for anonymous readers (meetings/page_cache.py). On by default; off
# under the test suite except in the tests that exercise it.
PAGE_CACHE = env_bool("PAGE_CACHE", True) and not TESTING
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# A page is stored once its address has been asked for this many times within
# PAGE_CACHE_SECONDS: addresses asked for once (crawlers, made-up query strings) store nothing.
PAGE_CACHE_MIN_USES = int(os.environ.get("PAGE_CACHE_MIN_USES", "2"))

# A rename (of a theme, governorate, tag or organisation) that more search documents than this
# include leaves their refill to `manage.py refill_search` (meetings/models/searchable.py): a
# theme of 80,000 recommendations took minutes to refill, past any request's timeout.
# Refills run at 140–440 documents a second at that size: 500 take 1.5–3.5 s.
SEARCH_REFILL_NOW = int(os.environ.get("SEARCH_REFILL_NOW", "500"))
# A person's rename or protection cannot leave their meetings found by a name no longer shown:
# past this many meetings, the search leaves those meetings out at once and `manage.py
# refill_search` refills them (first of what waits). At 100k, refilling 2,665 meetings within the
# save took 11.6-13.8 s and 6,156 took 35 s, against a 30 s timeout; 500 take about 2.5 s.
PERSON_REFILL_NOW = int(os.environ.get("PERSON_REFILL_NOW", "500"))

# A person protected in the admin or by an import has the published meetings whose texts name them
# withdrawn within the save (meetings/protection.py), up to this many; past it (or past five times as
# many meetings to read), the save is refused and `manage.py protect_person` does it on the server.
# At 100k, withdrawing 991 meetings took 18-25 s against a 30 s timeout: 500 leave room for a loaded machine.
WITHHOLD_NOW = int(os.environ.get("WITHHOLD_NOW", "500"))

# A choice list of the meeting form longer than this is not rendered as a menu in every row:
# only what a row chose is, and the searchable picker finds the rest (meetings/form_choices.py).
PICKER_MENU_LIMIT = int(os.environ.get("PICKER_MENU_LIMIT", "300"))
# With the local-memory cache, the "public generation" that invalidates every worker's
# pages lives in this file (with Redis, in Redis).
PAGE_CACHE_GENERATION_FILE = Path(
    os.environ.get("PAGE_CACHE_GENERATION_FILE", BASE_DIR / "var" / "page-cache-generation")
)

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

AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: refuses any sign-in while the username or the
    # client address is locked out.
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one username, or
# from one client address, every sign-in for it is refused for AXES_COOLOFF_MINUTES, on
# every login form (/accounts/login/, /admin/login/). The page says the same whether the
# username exists or not.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.client.client_address"
AXES_HTTP_RESPONSE_CODE = 429
# Only failures are stored: no row per successful sign-in.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Behind a reverse proxy: how many proxies in front of the application append to
# X-Forwarded-For (0: use the connection's address; the header is then ignored).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Staff sessions end after this many minutes without a request.
SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "60"))

# Two-factor (TOTP, django-otp): optional for every staff member; mandatory for the
# workspace roles listed here (e.g. "reviewer,administrator"; superusers count as administrators).
TWO_FACTOR_REQUIRED_ROLES = env_list("TWO_FACTOR_REQUIRED_ROLES", "")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Sanad")
# How long the link in an invitation to join an organisation works (meetings/members.py).
SANAD_INVITATION_TIMEOUT = int(float(os.environ.get("INVITATION_DAYS", "7")) * 24 * 3600)

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
# Request bodies: a request declaring more than the upload limit plus this margin (form
# fields, multipart framing) is refused with 413 before it is read (accounts/middleware.py).
SANAD_MAX_REQUEST_SIZE = SANAD_MAX_UPLOAD_SIZE + 1024 * 1024
# Form fields other than files: 2.5 MB of text at most; files above 2.5 MB go to a
# temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(float(os.environ.get("MAX_FORM_MB", "2.5")) * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Bulk import in the workspace (docs/import.md): the largest file (or set of CSV files) and
# the most rows read from it — 5,000 rows are written in a few seconds, well within a
# worker's timeout; larger files go through `manage.py import_records`. An uploaded file
# waits this many minutes for its confirmation.
IMPORT_MAX_MB = float(os.environ.get("IMPORT_MAX_MB", "5"))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "5000"))
IMPORT_UPLOAD_MINUTES = int(os.environ.get("IMPORT_UPLOAD_MINUTES", "60"))
# The calendars (/calendar/*.ics) hold the meetings held from this many days ago to this many ahead.
SANAD_CALENDAR_DAYS_BACK = int(os.environ.get("CALENDAR_DAYS_BACK", "90"))
SANAD_CALENDAR_DAYS_AHEAD = int(os.environ.get("CALENDAR_DAYS_AHEAD", "365"))

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
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto: without this, a request that
# arrived over HTTPS looks like plain HTTP and SECURE_SSL_REDIRECT loops. Set it only when
# the proxy always sets (or strips) the header.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTP Strict Transport Security: 0 (off) by default; e.g. 31536000 (a year) in production.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# How many reverse proxies in front of Sanad append to X-Forwarded-For: the client's
# address is that many hops from the right (sanad/clientip.py); 0 ignores the header.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)

# --- Public API (api/, docs/api.md) ----------------------------------------
# Read-only and anonymous: no authentication class, so a signed-in user gets exactly the
# public data; JSON only (the browsable renderer needs inline scripts and a session).

# (The test suite crawls the API from one address: its own default is high; tests/test_api.py
# checks the limit with a low one.)
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "100000/minute" if TESTING else "120/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Anonymous clients are limited per address (API_RATE_LIMIT, in the configured cache).
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.KeysetPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sanad API",
    "DESCRIPTION": "Read-only open data of Sanad: published meetings, their recommendations and "
    "follow-up, organisations, projects, governorates, themes, tags and public people. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Four models have a "kind": each its own enum in the schema.
    "ENUM_NAME_OVERRIDES": {
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "RecommendationKindEnum": "meetings.models.Recommendation.Kind",
        "OrganizationKindEnum": "meetings.models.Organization.Kind",
        "AttachmentKindEnum": "meetings.models.Attachment.Kind",
    },
}

# --- Email ------------------------------------------------------------------

# EMAIL_URL configures SMTP in one variable (sanad/email_url.py): smtp://user:password@host:25
# (no encryption), smtp+tls://…:587 (STARTTLS), smtp+ssl://…:465 (implicit TLS); user and
# password percent-encoded. Without it, EMAIL_BACKEND (console by default). With DEBUG off,
# start-up refuses a console/locmem/dummy/file backend unless EMAIL_ALLOW_CONSOLE=1
# (accounts/apps.py): password-reset links must not end up in a log.
# (Not kept as a setting of its own: it holds the password, and only names containing
# PASS, KEY, SECRET… are hidden from error reports.)
if os.environ.get("EMAIL_URL"):
    from sanad.email_url import parse_email_url

    globals().update(parse_email_url(os.environ["EMAIL_URL"]))
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
EMAIL_ALLOW_CONSOLE = env_bool("EMAIL_ALLOW_CONSOLE", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sanad@localhost")

# --- Reminders and subscriptions (notifications/; cron runs send_reminders and send_digests daily)
REMINDER_DUE_WITHIN_DAYS = int(os.environ.get("REMINDER_DUE_WITHIN_DAYS", "30"))
REMINDER_DRAFT_AFTER_DAYS = (3, 7)
# Meetings held longer ago than this are not reminded of (imported old minutes would flood inboxes).
REMINDER_DRAFT_WINDOW_DAYS = int(os.environ.get("REMINDER_DRAFT_WINDOW_DAYS", "21"))
# At most one reminder mail per person, and one digest per subscription, per period.
REMINDER_PERIOD = timedelta(hours=int(os.environ.get("REMINDER_PERIOD_HOURS", "20")))
SUBSCRIPTION_DIGEST_PERIOD = timedelta(hours=int(os.environ.get("SUBSCRIPTION_DIGEST_PERIOD_HOURS", "20")))
SUBSCRIPTION_DIGEST_ITEMS = 20  # per followed record and kind of news in one digest
# A confirmation link is mailed to an address at most once in this interval per record.
SUBSCRIPTION_CONFIRMATION_INTERVAL = timedelta(hours=1)
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
