"""Answers that carry personal data say `Cache-Control: private, no-store`."""

import pytest
from django.test import Client
from django.urls import reverse

from mitra.accounts.services import api_token_create
from tests.checkin.factories import ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _private(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_staff_pages_and_exports_are_private(client, staff_member, partner):
    client.force_login(staff_member.user)
    for url in [
        reverse("partners:list"),
        reverse("partners:export", args=["csv"]),
        reverse("partners:export", args=["xlsx"]),
        reverse("accounts:home"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _private(response), (url, response.get("Cache-Control"))


def test_api_answers_to_a_token_are_private(staff_member, partner):
    client = Client(HTTP_AUTHORIZATION=f"Token {api_token_create(user=staff_member.user)}")
    response = client.get(f"/api/v1/partners/{partner.pk}")
    assert response.status_code == 200
    assert response.json()["email"] is not None  # it does carry contacts
    assert _private(response)


def test_public_ticket_page_is_private(client, programme):
    registration = RegistrationFactory(activity=ActivityFactory(programme=programme), name="Sari")
    response = client.get(reverse("checkin:ticket", args=[registration.secret]))
    assert response.status_code == 200
    assert _private(response)


def test_public_pages_for_anonymous_visitors_stay_cacheable(client, office):
    response = client.get("/api/v1/regions")
    assert response.status_code == 200
    assert not _private(response)
