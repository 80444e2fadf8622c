"""The demo's official results agree with the domain figures and carry a real but
uncertain estimate."""

from __future__ import annotations

import pytest
from django.db.models import Count, Sum

from mitra.accounts.models import Membership
from mitra.analytics.models import ElectionResult
from mitra.demo.builder import demo_build
from mitra.demo.context import DemoContext
from mitra.evaluation import selectors

pytestmark = pytest.mark.django_db


def test_demo_results_match_bandungs_figures_and_the_estimate_is_uncertain():
    demo_build(DemoContext())
    figures = {
        r.name: r
        for r in ElectionResult.objects.annotate(
            tps=Count("stations"), reg=Sum("stations__registered"), voted=Sum("stations__voted")
        )
    }
    mayor_2024 = figures["Pilwalkot Bandung 2024"]
    assert mayor_2024.election_id is not None
    assert (mayor_2024.tps, mayor_2024.reg) == (3_590, 1_887_881)
    assert round(100 * mayor_2024.voted / mayor_2024.reg, 2) == 64.78
    mayor_2018 = figures["Pilwalkot Bandung 2018"]
    assert (mayor_2018.tps, mayor_2018.reg) == (4_419, 1_715_500)
    assert round(100 * mayor_2018.voted / mayor_2018.reg, 2) == 76.12
    feb_2024 = figures["Pemilu 2024 (Pilpres)"]
    assert feb_2024.reg == 1_872_381
    staff = Membership.objects.filter(user__email="staf@demo.mitra.id").first()
    found = selectors.turnout_evaluation(membership=staff)
    assert found is not None and found.estimate is not None
    assert found.baseline is not None and found.baseline.name == "Pilwalkot Bandung 2018"
    assert found.placebo is not None
    assert found.estimate.verdict == "indistinguishable"
    # Per kecamatan in 2018 the demo stays near the real range (72.6 %–83.5 %).
    rates = [a.baseline_turnout for a in found.kecamatan]
    assert 68 < min(rates) < 76 < max(rates) < 86
