"""Settings for Mitra Pemilu, read from the environment (see `.env.example`).

One module for every environment: the defaults give an embedded SQLite database under
`var/`; a deployment sets `DATABASE_URL`, `SECRET_KEY`, `ALLOWED_HOSTS` and friends.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env (values already in the environment win); MITRA_ENV_FILE="" reads none.
ENV_FILE = os.environ.get("MITRA_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or DEBUG=true for development)."
        )
    SECRET_KEY = "development-only-key-never-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "csp",
    "mitra.core",
    "mitra.regions",
    "mitra.offices",
    "mitra.elections",
    "mitra.accounts",
    "mitra.partners",
    "mitra.activities",
    "mitra.checkin",
    "mitra.portal",
    "mitra.analytics",
    "mitra.evaluation",
    "mitra.notifications",
    "mitra.reports",
    "mitra.privacy",
    "mitra.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mitra.core.middleware.PublicGZipMiddleware",  # visitors' HTML only (BREACH)
    "mitra.core.middleware.OfficeCacheScopeMiddleware",  # office tokens read once a request
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mitra.core.middleware.LanguageMiddleware",
    "mitra.core.middleware.BadInputMiddleware",
    "mitra.offices.middleware.PublicSiteMiddleware",  # the office a host or /<slug>/ names
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mitra.core.middleware.PrivateResponseMiddleware",
    "mitra.accounts.middleware.MembershipMiddleware",
    "mitra.accounts.middleware.SecondFactorDeviceMiddleware",  # django_otp's, device cached
    "mitra.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "mitra.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "mitra.accounts.context_processors.site",
                "mitra.notifications.context_processors.inbox",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mitra.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
    # start of a transaction so two writers wait for each other instead of failing midway.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # A file (not memory) so live-server browser tests share it; override it to run
    # several suites side by side.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("TEST_DATABASE_NAME", default=str(VAR_DIR / "test.sqlite3"))
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")


def redis_cache(url: str) -> dict[str, object]:
    """The cache on Redis. Redis is a cache here, never the only copy of anything: when it
    is down or slow, reads miss and writes are skipped (and logged), and every page and
    write goes on from PostgreSQL. The timeouts bound what an unreachable (not merely
    stopped) Redis adds to each cache call."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="mitra"),
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.25),
            "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.5),
        },
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# API-token lookups are cached this long (mitra/accounts/tokens.py). Only with Redis: a
# per-process memory cache could not forget a revoked token in the other workers.
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=60 if REDIS_URL else 0)
# The dashboard page, computed once per change of its office's figures and kept this long
# (mitra/analytics/figure_cache.py). Only with Redis, for the same reason: every process must
# see a write's invalidation.
ANALYTICS_CACHE_SECONDS = env.int("ANALYTICS_CACHE_SECONDS", default=900 if REDIS_URL else 0)
# The signed-in person (user, role, office) and their session are kept in the cache at
# most this long between changes (mitra/accounts/member_cache.py, mitra/accounts/sessions.py).
# Only with Redis: every process must forget a revoked role or a closed session at once.
MEMBER_CACHE_SECONDS = env.int("MEMBER_CACHE_SECONDS", default=300 if REDIS_URL else 0)
if MEMBER_CACHE_SECONDS > 0:
    SESSION_ENGINE = "mitra.accounts.sessions"

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the membership with the user (one query per request).
    "mitra.accounts.backends.MemberBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Failed logins: after AXES_FAILURE_LIMIT tries for one email from one address the pair
# is locked out for the cool-off time.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form field that carries the email
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "mitra.core.network.client_ip"

OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Mitra Pemilu")

# --- Email ----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mitra Pemilu <noreply@localhost>")

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # npm packages pinned in package-lock.json (installed by `make`), served under /static/vendor/.
    ("vendor/jsqr", BASE_DIR / "node_modules" / "jsqr" / "dist"),
]
STORAGES = {
    # Uploads live outside the web root and are served only through views that check
    # permission (see mitra.core.uploads).
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("MEDIA_ROOT", default=VAR_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        ),
    },
}
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if not DEBUG else 0
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# Images declaring more pixels than this are refused before decoding (mitra.core.uploads);
# 40 MP is more than any phone camera takes, and Pillow's own guard is set to it too.
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Security -------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies (addresses or networks) whose X-Forwarded-For is believed; the client
# address (lockout, rate limits) comes from it only for requests from them. Empty: none,
# the connecting address is the client (mitra/core/network.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# --- Product --------------------------------------------------------------------------
# Which office the public site speaks for when one installation serves one office (and,
# with a site per office, the one at SITE_URL itself: the national office, usually).
MITRA_PUBLIC_OFFICE = env.str("MITRA_PUBLIC_OFFICE", default="")
# The public site per office (mitra/offices/sites.py, docs/deployment.md): "single" (one
# office's site, the default), "host" (each office under its own host name) or "path" (each
# office under /<its slug>/ of SITE_URL).
MITRA_PUBLIC_SITES = env.str("MITRA_PUBLIC_SITES", default="single")
if MITRA_PUBLIC_SITES not in ("single", "host", "path"):
    raise ImproperlyConfigured('MITRA_PUBLIC_SITES must be "single", "host" or "path".')
# Host mode: host names of offices ("kpu-bandungkota.go.id=kota-bandung,…"), and a domain
# whose sub-domains are office slugs (kota-bandung.<domain>) for every office not listed.
MITRA_PUBLIC_HOSTS = env.dict("MITRA_PUBLIC_HOSTS", default={})
MITRA_PUBLIC_HOST_DOMAIN = env.str("MITRA_PUBLIC_HOST_DOMAIN", default="")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Absolute links built from the request's host (development: any port works) instead of
# SITE_URL (production: the Host header is never trusted for links); see mitra/core/links.py.
ABSOLUTE_URLS_FROM_REQUEST = env.bool("ABSOLUTE_URLS_FROM_REQUEST", default=DEBUG)

# --- Background work (Celery) -----------------------------------------------------------
# The broker is the deployment's Redis unless one is named; with neither, tasks run
# in-process as they are queued (the embedded default) and `send_timeline_messages` on a
# cron line drives the schedule instead of beat (docs/deployment.md).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A worker takes one message at a time per process; a message is acknowledged when taken,
# and the database (not the broker) knows what is still to send: a delivery left queued
# (a worker died, the broker lost a message) is queued again by `notifications.sweep`.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "timeline-messages": {
        "task": "notifications.timeline",
        "schedule": env.int("NOTIFICATIONS_TIMELINE_SECONDS", default=15 * 60),
    },
    "deliveries-sweep": {"task": "notifications.sweep", "schedule": 60.0},
    "weekly-digests": {
        "task": "notifications.digests",
        "schedule": crontab(minute=0, hour=7, day_of_week="monday"),
    },
    "purge-personal-data": {
        "task": "core.command",
        "schedule": crontab(minute=30, hour=2),
        "args": ("purge_personal_data",),
    },
}

# --- Personal data (mitra.privacy) -------------------------------------------------------
# Hours the office has to answer a request of the person concerned once their identity is
# confirmed: UU 27/2022 sets 3 x 24 hours for access (Pasal 32), correction (Pasal 30) and
# stopping after a withdrawn consent (Pasal 40); erasure gets the same (docs/privacy.md).
PRIVACY_REQUEST_DEADLINE_HOURS = env.int("PRIVACY_REQUEST_DEADLINE_HOURS", default=72)

# --- Messages (mitra.notifications) ------------------------------------------------------
# WhatsApp Business Cloud API: without a token the channel is off (the staff page says so).
WHATSAPP_TOKEN = env.str("WHATSAPP_TOKEN", default="")
WHATSAPP_PHONE_NUMBER_ID = env.str("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_API_URL = env.str("WHATSAPP_API_URL", default="https://graph.facebook.com/v21.0")
# The app secret signs the delivery-status webhooks; the verify token answers Meta's check.
WHATSAPP_APP_SECRET = env.str("WHATSAPP_APP_SECRET", default="")
WHATSAPP_VERIFY_TOKEN = env.str("WHATSAPP_VERIFY_TOKEN", default="")
# Approved template names per message kind ("kind=name,…"); `default` serves the others.
# Each template has one body parameter that carries the message text.
WHATSAPP_TEMPLATES = env.dict("WHATSAPP_TEMPLATES", default={"default": "mitra_pemberitahuan"})
WHATSAPP_TIMEOUT_SECONDS = env.float("WHATSAPP_TIMEOUT_SECONDS", default=10.0)
# A provider 5xx, 429 or timeout is retried after base × 2^(attempt-1) seconds (capped),
# up to the attempt limit; a 4xx gives up at once with the provider's reason.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.float("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30.0)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.float("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600.0)
# A delivery claimed by a worker that died before recording the outcome is sent again
# after this long (the one window where a message could go out twice).
NOTIFICATIONS_STALE_SECONDS = env.int("NOTIFICATIONS_STALE_SECONDS", default=300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
