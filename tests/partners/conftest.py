from __future__ import annotations

import pytest

from tests.partners.factories import (
    MembershipFactory,
    PartnerCategoryFactory,
    PartnerFactory,
    SegmentFactory,
)


@pytest.fixture
def categories(office):
    return [
        PartnerCategoryFactory(office=office, code="pemuda", name="Kepemudaan"),
        PartnerCategoryFactory(office=office, code="lainnya", name="Lainnya"),
    ]


@pytest.fixture
def segments(office):
    return [
        SegmentFactory(office=office, code="muda", name="Pemilih muda"),
        SegmentFactory(office=office, code="komunitas", name="Komunitas"),
    ]


@pytest.fixture
def other_partner(db):
    """A partner of another office (and its coordinator): what nobody here may reach."""
    partner = PartnerFactory()
    MembershipFactory(office=partner.office, role="coordinator", partner=partner)
    return partner


@pytest.fixture
def sibling_partner(office):
    """Another partner of the same office: a coordinator must not reach it either."""
    return PartnerFactory(office=office)
