from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mitra.activities.services import methods_seed
from tests.activities.factories import ActivityFactory
from tests.factories import ElectionFactory, MembershipFactory, PartnerFactory, ThemeFactory


@pytest.fixture
def methods(office):
    return {m.code: m for m in methods_seed(office=office)}


@pytest.fixture
def elections(programme):
    return [ElectionFactory(programme=programme), ElectionFactory(programme=programme)]


@pytest.fixture
def themes(programme):
    return [ThemeFactory(programme=programme) for _ in range(3)]


@pytest.fixture
def other_partner(office):
    return PartnerFactory(office=office)


@pytest.fixture
def other_coordinator(other_partner):
    return MembershipFactory(office=other_partner.office, role="coordinator", partner=other_partner)


@pytest.fixture
def make_activity(programme, partner, methods):
    def make(status="draft", *, days_ago=1, partner_=partner, **kwargs):
        starts = timezone.now() - datetime.timedelta(days=days_ago)
        kwargs.setdefault("method", methods["diskusi"])
        return ActivityFactory(
            programme=programme,
            partner=partner_,
            status=status,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            **kwargs,
        )

    return make
