from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_healthz_reports_ok_with_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_database_unreachable(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.django_db
def test_pages_are_indonesian_by_default_even_for_english_browsers(client, programme):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert b'<html lang="id">' in response.content
    assert b"Beranda" in response.content


@pytest.mark.django_db
def test_language_switch_turns_pages_english(client, programme):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    assert b'<html lang="en">' in page.content
    assert ">Home</a>" in page.content.decode()  # the compiled English catalogue is in use


@pytest.mark.django_db
def test_security_headers_are_sent(client, programme):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_csp_allows_scripts_only_from_the_site(client, programme):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    sources = script_src.split()[1:]
    assert "'self'" in sources
    assert all(s == "'self'" or s.startswith("'nonce-") for s in sources)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
