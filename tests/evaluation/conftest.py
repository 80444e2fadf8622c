"""A city of 40 real Bandung kelurahan with results of four elections and some outreach."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from mitra.analytics.models import ElectionResult, StationResult
from mitra.regions.models import Region, RegionLevel
from tests.analytics.factories import activity
from tests.evaluation.simulation import city
from tests.factories import ElectionFactory

VOTING_DAY = datetime.date(2024, 11, 27)


def _results(office, name, year, kind, rows, *, election=None, day=None):
    result = ElectionResult.objects.create(
        office=office, name=name, year=year, kind=kind, election=election, voting_day=day
    )
    stations = []
    for code, registered, rate in rows:
        # Two TPS per kelurahan, so roll-ups add stations up.
        first = registered // 2
        voted = round(rate * registered)
        for tps, reg, v in (
            ("1", first, voted // 2),
            ("2", registered - first, voted - voted // 2),
        ):
            stations.append(
                StationResult(
                    office=office,
                    result=result,
                    region_id=code,
                    tps=tps,
                    dpt=reg,
                    registered=reg,
                    voted=v,
                )
            )
    StationResult.objects.bulk_create(stations)
    return result


@pytest.fixture
def evaluated(office, programme):
    election = ElectionFactory(
        programme=programme, office=office, short_name="Pilwalkot 2024", kind="walikota"
    )
    codes = list(
        Region.objects.filter(level=RegionLevel.KELURAHAN, code__startswith="32.73.")
        .order_by("code")
        .values_list("code", flat=True)[:40]
    )
    units = city(effect=0.0, seed=7)[: len(codes)]
    clusters = {u.cluster for u in units}
    assert len(clusters) >= 4
    rows = list(zip(codes, units, strict=True))
    _results(
        office,
        "Pilwalkot 2018",
        2018,
        "walikota",
        [(c, u.registered - 500, u.baseline) for c, u in rows],
    )
    _results(
        office,
        "Pemilu 2019",
        2019,
        "presiden",
        [(c, u.registered - 300, u.placebo_before) for c, u in rows],
        day=datetime.date(2019, 4, 17),
    )
    _results(
        office,
        "Pemilu 2024",
        2024,
        "presiden",
        [(c, u.registered, u.placebo_after) for c, u in rows],
        day=datetime.date(2024, 2, 14),
    )
    outcome = _results(
        office,
        "Pilwalkot 2024",
        2024,
        "walikota",
        [(c, u.registered, u.outcome) for c, u in rows],
        election=election,
        day=VOTING_DAY,
    )
    # Outreach: counted (verified, before voting day) and not counted.
    for code, u in rows[:20]:
        activity(
            programme=programme,
            kelurahan=code,
            attendance=round(u.exposure * 10) + 5,
            elections=[election],
        )
    activity(
        programme=programme,
        kelurahan=codes[0],
        attendance=999,
        elections=[election],
        day=datetime.date(2024, 11, 28),
    )  # after voting day
    activity(
        programme=programme,
        kelurahan=codes[1],
        attendance=777,
        elections=[election],
        status="reported",
    )  # not verified
    return SimpleNamespace(
        office=office,
        programme=programme,
        election=election,
        codes=codes,
        units=units,
        outcome=outcome,
    )
