"""The workspace shows each role the cards its rights allow."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import login

pytestmark = pytest.mark.django_db

COMMISSION_CARDS = {
    "partners:list",
    "analytics:dashboard",
    "activities:list",
    "checkin:scanner",
    "elections:stages",
    "activities:methods",
    "activities:approaches",
    "portal:staff_articles",
}
ALL_CARDS = COMMISSION_CARDS | {"analytics:my_gaps"}


def _cards(client) -> str:
    html = client.get("/akun/").content.decode()
    grid = re.search(r'<div class="grid">(.*?)</div>', html, re.S)
    assert grid
    return grid.group(1)


def _shown(cards: str) -> set[str]:
    return {name for name in ALL_CARDS if f'"{reverse(name)}"' in cards}


@pytest.mark.parametrize("fixture", ["admin_member", "staff_member"])
def test_commission_sees_every_office_card(client, request, fixture):
    login(client, request.getfixturevalue(fixture))
    cards = _cards(client)
    assert _shown(cards) == COMMISSION_CARDS
    assert "Kalender, daftar, antrean" in cards


def test_observer_sees_partners_dashboard_and_activities(client, observer_member):
    login(client, observer_member)
    cards = _cards(client)
    assert _shown(cards) == {"partners:list", "analytics:dashboard", "activities:list"}
    assert "Kalender, daftar, antrean" in cards


def test_coordinator_sees_own_organisation_gaps_activities_and_scanner(client, coordinator_member):
    login(client, coordinator_member)
    cards = _cards(client)
    assert _shown(cards) == {"analytics:my_gaps", "activities:list", "checkin:scanner"}
    assert f'"{reverse("partners:detail", args=[coordinator_member.partner_id])}"' in cards
    assert "Ajukan kegiatan" in cards
