"""The 503 page a lost database connection gets (the real outage is in test_faults.py)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def _home_failing_with(error: Exception, **cookies: str):
    client = Client(raise_request_exception=False)
    for name, value in cookies.items():
        client.cookies[name] = value
    with mock.patch("mitra.portal.home.request_public_office", side_effect=error):
        return client.get("/")


def test_lost_database_connection_is_a_503_page_in_indonesian(office):
    response = _home_failing_with(OperationalError("server closed the connection unexpectedly"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Tidak ada yang Anda kirim yang tersimpan." in html
    assert "dalam 30 detik" in html


def test_the_503_page_follows_the_chosen_language(office):
    response = _home_failing_with(OperationalError("connection refused"), django_language="en")
    assert response.status_code == 503
    assert "Nothing you sent was saved." in response.content.decode()


def test_a_broken_rule_stays_a_500(office):
    response = _home_failing_with(IntegrityError("duplicate key"))
    assert response.status_code == 500
    assert "Retry-After" not in response
