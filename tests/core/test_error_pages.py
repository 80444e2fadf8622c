"""Refused and missing pages are the site's own pages: Indonesian, with the menu, phone-sized."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_refused_page_explains_in_indonesian_and_fits_a_phone(client, coordinator_member):
    client.force_login(coordinator_member.user)
    response = client.get("/program/tahapan/")  # staff only
    body = response.content.decode()
    assert response.status_code == 403
    assert "Tidak diizinkan" in body
    assert "Anda tidak memiliki izin untuk tindakan ini." in body  # the service's reason
    assert 'name="viewport"' in body and 'href="/"' in body


def test_missing_page_is_the_sites_own_page(client):
    response = client.get("/tidak-ada-halaman-ini/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in body and 'name="viewport"' in body


def test_error_pages_follow_the_chosen_language(client):
    client.cookies["django_language"] = "en"
    assert "Page not found" in client.get("/tidak-ada-halaman-ini/").content.decode()
