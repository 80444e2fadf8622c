"""Bad input is refused with a 4xx naming the field, never answered as an outage (5xx)."""

import json
import uuid

import pytest
from django.test import Client

from mitra.accounts.services import api_token_create
from mitra.partners.models import Partner
from tests.checkin.factories import ActivityFactory, CheckinPointFactory
from tests.factories import PartnerCategoryFactory


def _token_client(membership):
    return Client(HTTP_AUTHORIZATION=f"Token {api_token_create(user=membership.user)}")


def _post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_nul_byte_in_scan_secret_is_a_400_not_a_retryable_outage(staff_member, programme):
    point = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    response = _post(
        _token_client(staff_member),
        "/api/v1/checkin/scans",
        {"activity_id": point.activity.pk, "secret": "ab\x00cd", "nonce": uuid.uuid4().hex},
    )
    assert response.status_code in (400, 422), response.content
    assert "secret" in response.content.decode()
    assert "retryable" not in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 201),
        ("member_count", 2**31),
        ("member_count", 2**63),
        ("contact_name", "y" * 161),
        ("name", "Karang\x00Taruna"),
        ("website", "javascript:alert(1)"),
    ],
)
def test_partner_create_refuses_values_the_database_cannot_hold(staff_member, field, value):
    category = PartnerCategoryFactory(office=staff_member.office)
    body = {"name": "Karang Taruna", "category": category.code, field: value}
    response = _post(_token_client(staff_member), "/api/v1/partners", body)
    assert response.status_code in (400, 422), response.content
    assert field in response.content.decode()
    assert not Partner.objects.filter(office=staff_member.office).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["email", "name", "code", "whatsapp", "website", "segments"])
def test_null_for_a_field_that_cannot_be_empty_is_refused_by_name(staff_member, partner, field):
    response = _post(
        _token_client(staff_member), f"/api/v1/partners/{partner.pk}", {field: None}, "patch"
    )
    assert response.status_code in (400, 422), response.content
    assert field in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions?parent=%00",
        "/berita/?q=%00",
        "/agenda/?kecamatan=%00",
        "/direktori-mitra/?q=a%00b",
        "/hadir/tiket/ab%00cd/",
        "/hadir/ab%00cd/",
    ],
)
def test_nul_byte_in_public_urls_is_a_400(client, office, url):
    response = client.get(url)
    assert response.status_code in (400, 404), response.status_code
