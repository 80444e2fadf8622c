"""Test settings: the production module with test-only defaults filled in.

Only what a test run cannot take from a developer's environment is set here; everything
else (notably DATABASE_URL, so the suite runs on SQLite and PostgreSQL) comes from it.
"""

import os

os.environ.setdefault("MITRA_ENV_FILE", "")  # a developer's .env must not change the tests
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnop")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Tasks run in-process unless a test starts a real worker (tests/notifications).
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

from config.settings import *  # noqa: F403
from config.settings import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In memory, except for the worker process a delivery test starts against a local SMTP server.
EMAIL_BACKEND = os.environ.get(
    "MITRA_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
STORAGES["default"]["OPTIONS"]["location"] = VAR_DIR / "test-media"  # noqa: F405
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]  # noqa: F405
AXES_ENABLED = True
# One process: the memory cache forgets revoked tokens as Redis would, so tests run with it.
API_TOKEN_CACHE_SECONDS = 60
# Likewise the dashboard's figure cache: every test that writes after a read checks that
# the write reaches the next page.
ANALYTICS_CACHE_SECONDS = 600
# And the signed-in person with their session (every test that changes a role, a user or
# a message checks the next request sees it).
MEMBER_CACHE_SECONDS = 300
SESSION_ENGINE = "mitra.accounts.sessions"
# Links as in production (SITE_URL) unless a test turns this on, whatever DEBUG says.
ABSOLUTE_URLS_FROM_REQUEST = False
