"""The settings module as a deployment meets it: run in a fresh process with a given env."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env_file: str | None = "", **env: str) -> subprocess.CompletedProcess[str]:
    """manage.py in a fresh process; `env_file=None` leaves MITRA_ENV_FILE unset."""
    test_only = {
        "DEBUG",
        "SECRET_KEY",
        "SECURE_SSL_REDIRECT",
        "STATICFILES_BACKEND",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    clean.pop("MITRA_ENV_FILE", None)
    if env_file is not None:
        clean["MITRA_ENV_FILE"] = env_file
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_bare_checkout_runs_management_commands_as_development():
    if (ROOT / ".env").is_file():
        pytest.skip("this checkout has a .env: it is configured, not bare")
    result = _manage("makemigrations", "--check", "--dry-run", env_file=None)
    assert result.returncode == 0, result.stderr


def test_development_has_a_default_secret_key():
    assert _manage("check", DEBUG="true").returncode == 0


def test_deploy_check_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-key-with-enough-entropy-1234567890",
        ALLOWED_HOSTS="mitra.example.go.id",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_links_follow_the_request_host_in_development_only():
    """`make run` (DEBUG) builds absolute links from the request; production from SITE_URL."""
    show = "from django.conf import settings; print(settings.ABSOLUTE_URLS_FROM_REQUEST)"
    development = _manage("shell", "-c", show, DEBUG="true")
    assert development.stdout.strip().splitlines()[-1] == "True", development.stderr
    production = _manage("shell", "-c", show, SECRET_KEY="x" * 50)
    assert production.stdout.strip().splitlines()[-1] == "False", production.stderr
