"""Demo step: synthetic official results per TPS for Bandung, with a small planted effect.

Runs after the activities, because the 2024 mayoral results carry the (small) effect of
the demo's verified outreach. Every figure is synthetic; the city totals follow
docs (../shared/domain.md): Pilwalkot 2024 1,887,881 registered in 3,590 TPS, turnout
64.78 %; Pilwalkot 2018 76.12 % of ≈ 1,715,500 in 4,419 TPS; Pemilu February 2024
1,872,381 registered, about 82.9 %. Pemilu 2019's figures are invented (not published here).
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from mitra.analytics.demo import _split
from mitra.analytics.models import ElectionResult, StationResult, VoterCount
from mitra.core.bulk import copy_insert
from mitra.demo.context import DemoContext
from mitra.elections.models import ElectionKind

from .selectors import exposure

# Planted: extra voters per person reached (= turnout points per 1 % of voters reached).
# Generous against the field experiments (≈ 0.07 at best), still far below what this data
# can detect: the demo's estimate is real but cannot be told apart from zero.
PLANTED_EFFECT = 0.10

BASELINES = [
    # name, kind, voting day, registered, turnout, TPS
    (
        "Pilwalkot Bandung 2018",
        ElectionKind.MAYOR,
        datetime.date(2018, 6, 27),
        1_715_500,
        0.7612,
        4_419,
    ),
    (
        "Pemilu 2019 (Pilpres)",
        ElectionKind.PRESIDENT,
        datetime.date(2019, 4, 17),
        1_790_000,
        0.805,
        6_050,
    ),
    (
        "Pemilu 2024 (Pilpres)",
        ElectionKind.PRESIDENT,
        datetime.date(2024, 2, 14),
        1_872_381,
        0.829,
        6_400,
    ),
]
OUTCOME_TURNOUT = 0.6478


def _voted(registered: list[int], rates: list[float], turnout: float) -> list[int]:
    """Voters per area at the given rates, scaled so the city's turnout is exactly
    `turnout` (to the voter), never more than the area's registered."""
    total = round(turnout * sum(registered))
    voted = [min(reg, int(reg * r)) for reg, r in zip(registered, rates, strict=True)]
    scale = total / sum(voted)
    voted = [min(reg, int(v * scale)) for reg, v in zip(registered, voted, strict=True)]
    i = 0
    while sum(voted) < total:  # the rounding remainder, one voter at a time where room is left
        if voted[i % len(voted)] < registered[i % len(voted)]:
            voted[i % len(voted)] += 1
        i += 1
    return voted


def _stations(
    office_id: int,
    result_id: int,
    codes: list[str],
    registered: list[int],
    voted: list[int],
    tps_total: int | None,
    rng: random.Random,
) -> list[tuple[int, int, str, str, int, int, int]]:
    """Each kelurahan's figures spread over its TPS (numbered from 1), sums kept exact, as
    rows of `STATION_FIELDS`; `tps_total` None gives one row per kelurahan ("TPS 1")."""
    if tps_total is None:
        per_kelurahan = [1] * len(codes)
    else:
        per_kelurahan = [max(1, n) for n in _split(tps_total, [float(r) for r in registered])]
    rows: list[tuple[int, int, str, str, int, int, int]] = []
    for code, reg, vote, n in zip(codes, registered, voted, per_kelurahan, strict=True):
        regs = _split(reg, [rng.uniform(0.85, 1.15) for _ in range(n)])
        votes = _split(vote, [r * rng.uniform(0.95, 1.05) for r in regs])
        # Keep each TPS within its list: move any excess to the next station with room.
        for j in range(n):
            excess = votes[j] - regs[j]
            if excess > 0:
                votes[j] -= excess
                k = next(k for k in range(n) if votes[k] + excess <= regs[k])
                votes[k] += excess
        rows.extend(
            (office_id, result_id, code, str(j + 1), regs[j], regs[j], votes[j]) for j in range(n)
        )
    return rows


STATION_FIELDS = ("office", "result", "region", "tps", "dpt", "registered", "voted")


def _synthetic_results(
    *,
    office_id: int,
    codes: list[str],
    registered_2024: list[int],
    reach: dict[str, int],
    baselines: list[tuple[ElectionResult, int, float, int | None]],
    outcome: tuple[ElectionResult, float, int | None],
    rng: random.Random,
) -> list[tuple[int, int, str, str, int, int, int]]:
    """Per-TPS rows of one office: each baseline (result, registered, turnout, TPS) and the
    outcome (result, turnout, TPS). A lasting propensity to vote per kelurahan (kecamatan-
    wide and local parts) runs through every election, each with its own noise; the
    outcome adds the planted effect of the verified reach."""
    kecamatan = {code[:8] for code in codes}
    level = {k: rng.gauss(0, 2.0) for k in kecamatan}
    propensity = [level[c[:8]] + rng.gauss(0, 1.5) for c in codes]
    rows: list[tuple[int, int, str, str, int, int, int]] = []
    for result, total, turnout, tps in baselines:
        shock = {k: rng.gauss(0, 0.8) for k in kecamatan}
        registered = _split(total, [r * rng.uniform(0.88, 0.98) for r in registered_2024])
        rates = [
            min(0.99, turnout + (p + shock[c[:8]] + rng.gauss(0, 1.2)) / 100)
            for c, p in zip(codes, propensity, strict=True)
        ]
        voted = _voted(registered, rates, turnout)
        rows += _stations(office_id, result.pk, codes, registered, voted, tps, rng)
    result, turnout, tps = outcome
    shock = {k: rng.gauss(0, 1.0) for k in kecamatan}
    rates = [
        turnout
        + (p + shock[c[:8]] + rng.gauss(0, 1.5)) / 100
        + PLANTED_EFFECT * (reach.get(c, 0) / reg)
        for c, p, reg in zip(codes, propensity, registered_2024, strict=True)
    ]
    voted = _voted(registered_2024, rates, turnout)
    rows += _stations(office_id, result.pk, codes, registered_2024, voted, tps, rng)
    return rows


def build(ctx: DemoContext) -> None:
    office, programme = ctx.objects["office"], ctx.objects["programme"]
    rng = random.Random(ctx.rng.random())
    mayor = next(e for e in ctx.objects["elections"] if e.kind == ElectionKind.MAYOR)
    counts = list(
        VoterCount.objects.filter(election=mayor)
        .order_by("region_id")
        .values_list("region_id", "voters_total", "polling_stations")
    )
    reach = {
        code: r
        for code, (_n, r) in exposure(
            office=office, programme=programme, voting_day=mayor.voting_day
        )[0].items()
    }
    baselines: list[tuple[ElectionResult, int, float, int | None]] = [
        (
            ElectionResult.objects.create(
                office=office, name=name, year=day.year, voting_day=day, kind=kind
            ),
            total,
            turnout,
            tps,
        )
        for name, kind, day, total, turnout, tps in BASELINES
    ]
    outcome = ElectionResult.objects.create(
        office=office,
        name=mayor.short_name or mayor.name,
        year=mayor.voting_day.year,
        voting_day=mayor.voting_day,
        kind=mayor.kind,
        election=mayor,
    )
    rows = _synthetic_results(
        office_id=office.pk,
        codes=[c for c, _v, _t in counts],
        registered_2024=[v for _c, v, _t in counts],
        reach=reach,
        baselines=baselines,
        outcome=(outcome, OUTCOME_TURNOUT, sum(t or 0 for *_x, t in counts)),
        rng=rng,
    )
    copy_insert(StationResult, STATION_FIELDS, rows)
    ctx.say(f"  official results: {len(rows):,} TPS rows in {len(BASELINES) + 1} elections")


# National offices whose results are written per TPS (the first by key, the one `make
# bench` times among them); the others get one row per kelurahan, so every office has an
# evaluation while the build stays within minutes on a small machine.
NATIONAL_TPS_OFFICES = 5
CITY_REGISTERED = 1_887_881


def _national_reach(offices: list[Any], voting_day: datetime.date) -> dict[str, int]:
    """Verified reach per kelurahan before voting day, over all national offices at once
    (one query; the planted effect needs only a rough exposure)."""
    from django.db.models import Sum

    from mitra.activities.models import ActivityStatus, Report

    return {
        code: total or 0
        for code, total in Report.objects.filter(
            activity__office__in=offices,
            activity__status=ActivityStatus.VERIFIED,
            activity__starts_at__date__lt=voting_day,
            activity__kelurahan__isnull=False,
        )
        .order_by()
        .values_list("activity__kelurahan_id")
        .annotate(total=Sum("attendance_total"))
    }


def build_national(ctx: DemoContext) -> None:
    """For each national office: its first election's results, a same-kind baseline and the
    two presidential elections (the placebo pair) like the city's, scaled to the office's
    voters; per TPS for the first `NATIONAL_TPS_OFFICES`, per kelurahan for the rest.
    Offices that already have results are skipped."""
    from mitra.elections.models import Election

    offices = ctx.objects.get("national_offices") or []
    done = set(
        ElectionResult.objects.filter(office__in=offices).values_list("office_id", flat=True)
    )
    todo = [o for o in offices if o.pk not in done]
    if not todo:
        ctx.say("  national results already there (or no national offices)")
        return
    rng = random.Random(ctx.rng.random())
    first_election: dict[int, Election] = {}
    for candidate in Election.objects.filter(office__in=todo).order_by("voting_day", "pk"):
        first_election.setdefault(candidate.office_id, candidate)
    counts: dict[int, list[tuple[str, int, int]]] = {}
    for office_id, code, total, tps in (
        VoterCount.objects.filter(election__in=first_election.values())
        .order_by("region_id")
        .values_list("office_id", "region_id", "voters_total", "polling_stations")
    ):
        counts.setdefault(office_id, []).append((code, total, tps or 0))
    per_tps = {o.pk for o in sorted(offices, key=lambda o: o.pk)[:NATIONAL_TPS_OFFICES]}
    reach = _national_reach(todo, min(e.voting_day for e in first_election.values()))
    written = 0
    for office in todo:
        election = first_election.get(office.pk)
        if election is None or office.pk not in counts:
            continue
        codes = [c for c, _v, _t in counts[office.pk]]
        registered = [v for _c, v, _t in counts[office.pk]]
        total = sum(registered)
        shift = rng.gauss(0, 0.03)  # offices differ in turnout, as regions do
        baselines: list[tuple[ElectionResult, int, float, int | None]] = []
        for name, city_kind, day, city_total, turnout, city_tps in BASELINES:
            kind: str = city_kind
            if kind == ElectionKind.MAYOR:  # the same kind as the office's own election
                name, kind = "Pilkada 2018", election.kind
            scaled = round(total * city_total / CITY_REGISTERED)
            result = ElectionResult.objects.create(
                office=office, name=name, year=day.year, voting_day=day, kind=kind
            )
            tps = round(city_tps * scaled / city_total) if office.pk in per_tps else None
            baselines.append((result, scaled, turnout + shift, tps))
        outcome = ElectionResult.objects.create(
            office=office,
            name=election.short_name or election.name,
            year=election.voting_day.year,
            voting_day=election.voting_day,
            kind=election.kind,
            election=election,
        )
        rows = _synthetic_results(
            office_id=office.pk,
            codes=codes,
            registered_2024=registered,
            reach=reach,
            baselines=baselines,
            outcome=(
                outcome,
                0.68 + shift,
                sum(t for *_x, t in counts[office.pk]) if office.pk in per_tps else None,
            ),
            rng=rng,
        )
        written += copy_insert(StationResult, STATION_FIELDS, rows)
    ctx.say(
        f"  national results for {len(todo)} offices ({written:,} rows; per TPS for "
        f"{len(per_tps & {o.pk for o in todo})})"
    )
