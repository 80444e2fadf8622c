"""The turnout page, its public version, the XLSX and the API: the same figures, from the
selectors; exposure counts only verified activities before voting day; rights."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from mitra.analytics.models import TargetMetric
from mitra.analytics.selectors import programme_turnout
from mitra.evaluation import selectors
from tests.analytics.factories import TargetFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_figures_roll_up_and_exposure_counts_verified_activities_before_voting_day(
    evaluated, staff_member
):
    found = selectors.turnout_evaluation(membership=staff_member)
    assert found is not None
    assert found.result == evaluated.outcome
    assert found.baseline is not None and found.baseline.name == "Pilwalkot 2018"
    assert [str(p) for p in found.placebo] == ["Pemilu 2019", "Pemilu 2024"]
    first = found.kelurahan[0]
    unit = evaluated.units[0]
    assert first.code == evaluated.codes[0]
    assert first.registered == unit.registered
    assert first.voted == round(unit.outcome * unit.registered)
    # 999 after voting day and 777 unverified are left out.
    assert first.reach == round(unit.exposure * 10) + 5
    assert found.kelurahan[1].reach == round(evaluated.units[1].exposure * 10) + 5
    assert found.registered == sum(u.registered for u in evaluated.units)
    assert sum(k.registered for k in found.kecamatan) == found.registered
    assert found.estimate is not None
    assert found.estimate.units == 40
    assert found.unmatched_voters == 0


def test_page_export_and_api_give_the_same_numbers(client, evaluated, staff_member):
    TargetFactory(programme=evaluated.programme, metric=TargetMetric.TURNOUT, value=90)
    login(client, staff_member)
    api = client.get("/api/v1/evaluation/turnout").json()
    found = selectors.turnout_evaluation(membership=staff_member)
    assert api["turnout"] == round(found.turnout, 2)
    assert api["to_target"] == round(90 - found.turnout, 2)
    assert api["verdict_text"] == found.verdict
    html = client.get("/evaluasi/").content.decode()
    assert found.verdict.split(":")[0] in html
    assert f"{found.turnout:.2f}".replace(".", ",") in html
    adjusted = next(m for m in api["model"] if m["key"] == "adjusted")
    book = load_workbook(io.BytesIO(client.get("/evaluasi/?format=xlsx").content))
    sheet_rows = list(book["Kelurahan"].iter_rows(values_only=True))[1:]
    assert [list(r) for r in sheet_rows] == [list(r.values()) for r in api["kelurahan"]]
    model = {r[0]: r[1:] for r in book["Model"].iter_rows(values_only=True)}
    assert model["Perkiraan (disesuaikan)"][:3] == (
        adjusted["estimate"],
        adjusted["low"],
        adjusted["high"],
    )
    # The dashboard's turnout target row is filled in from the same results.
    assert programme_turnout(programme=evaluated.programme) == round(found.turnout, 2)


def test_public_version_needs_no_login_and_shows_the_same_verdict(client, evaluated):
    found = selectors.public_evaluation(office=evaluated.office)
    response = client.get("/evaluasi/publik/")
    assert response.status_code == 200
    assert found.verdict.split(":")[0] in response.content.decode()
    assert "format=xlsx" not in response.content.decode()


def test_rights(client, evaluated, coordinator_member, observer_member):
    assert client.get("/evaluasi/").status_code == 302  # to the login page
    login(client, coordinator_member)
    assert client.get("/evaluasi/").status_code == 403
    assert client.get("/api/v1/evaluation/turnout").status_code == 403
    login(client, observer_member)
    assert client.get("/evaluasi/").status_code == 200
    assert client.get("/evaluasi/?format=xlsx").status_code == 200  # observers may export


def test_a_chosen_baseline_is_used_and_unknown_ids_fall_back(client, evaluated, staff_member):
    login(client, staff_member)
    other = next(
        r
        for r in selectors.turnout_evaluation(membership=staff_member).choices
        if r.name == "Pemilu 2019"
    )
    chosen = client.get(f"/api/v1/evaluation/turnout?baseline={other.pk}").json()
    assert chosen["baseline"] == "Pemilu 2019"
    assert client.get("/evaluasi/?baseline=abc").status_code == 200


def test_without_results_the_page_says_so(client, office, programme, staff_member):
    from tests.factories import ElectionFactory

    ElectionFactory(programme=programme, office=office)
    login(client, staff_member)
    html = client.get("/evaluasi/").content.decode()
    assert "belum diimpor" in html
