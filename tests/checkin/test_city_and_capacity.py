"""The self check-in form names the office's city; the registration page warns when full."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mitra.checkin import services
from mitra.checkin.forms import SelfCheckinForm
from mitra.regions.models import Region
from tests.checkin.factories import ActivityFactory, CheckinPointFactory

pytestmark = pytest.mark.django_db


def test_outside_choice_names_the_offices_city(client, point):
    page = client.get(reverse("checkin:self", args=[point.token])).content.decode()
    assert "Luar Bandung / luar kota" in page


def test_a_regency_keeps_its_full_name(bandung):
    regency = Region(code="32.04", name="Kabupaten Bandung", level=2)
    form = SelfCheckinForm(city=regency, voting_day="27 November 2024")
    labels = dict(form.fields["kelurahan"].choices)  # type: ignore[attr-defined]
    assert labels["luar"] == "Luar Kabupaten Bandung / luar kota"


def test_registration_page_warns_when_full(client, programme):
    point = CheckinPointFactory.create(
        activity=ActivityFactory(programme=programme), requires_registration=True, capacity=1
    )
    url = reverse("checkin:register", args=[point.token])
    assert "Kuota sudah penuh" not in client.get(url).content.decode()
    services.registration_create(point=point)
    assert services.confirmed_count(point.activity_id) == 1
    assert "Kuota sudah penuh" in client.get(url).content.decode()
