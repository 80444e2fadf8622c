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

from mitra.analytics.demo import _split
from mitra.analytics.models import ElectionResult, StationResult, VoterCount
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
    result: ElectionResult,
    codes: list[str],
    registered: list[int],
    voted: list[int],
    tps_total: int,
    rng: random.Random,
) -> list[StationResult]:
    """Each kelurahan's figures spread over its TPS (numbered from 1), sums kept exact."""
    per_kelurahan = [max(1, n) for n in _split(tps_total, [float(r) for r in registered])]
    rows: list[StationResult] = []
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
            StationResult(
                office_id=office_id,
                result=result,
                region_id=code,
                tps=str(j + 1),
                dpt=regs[j],
                registered=regs[j],
                voted=votes[j],
            )
            for j in range(n)
        )
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
    codes = [c for c, _v, _t in counts]
    registered_2024 = [v for _c, v, _t in counts]
    reach = {
        code: r
        for code, (_n, r) in exposure(
            office=office, programme=programme, voting_day=mayor.voting_day
        )[0].items()
    }
    # A lasting propensity to vote per kelurahan (kecamatan-wide and local parts), points.
    kecamatan = {code[:8] for code in codes}
    level = {k: rng.gauss(0, 2.0) for k in kecamatan}
    propensity = [level[c[:8]] + rng.gauss(0, 1.5) for c in codes]
    rows: list[StationResult] = []
    for name, kind, day, total, turnout, tps in BASELINES:
        shock = {k: rng.gauss(0, 0.8) for k in kecamatan}
        registered = _split(total, [r * rng.uniform(0.88, 0.98) for r in registered_2024])
        rates = [
            turnout + (p + shock[c[:8]] + rng.gauss(0, 1.2)) / 100
            for c, p in zip(codes, propensity, strict=True)
        ]
        result = ElectionResult.objects.create(
            office=office, name=name, year=day.year, voting_day=day, kind=kind
        )
        voted = _voted(registered, [min(0.99, r) for r in rates], turnout)
        rows += _stations(office.pk, result, codes, registered, voted, tps, rng)
    # The outcome: the same propensity, new noise, and the planted effect of the outreach.
    shock = {k: rng.gauss(0, 1.0) for k in kecamatan}
    rates = [
        OUTCOME_TURNOUT
        + (p + shock[c[:8]] + rng.gauss(0, 1.5)) / 100
        + PLANTED_EFFECT * (reach.get(c, 0) / reg)
        for c, p, reg in zip(codes, propensity, registered_2024, strict=True)
    ]
    outcome = ElectionResult.objects.create(
        office=office,
        name=mayor.short_name or mayor.name,
        year=mayor.voting_day.year,
        voting_day=mayor.voting_day,
        kind=mayor.kind,
        election=mayor,
    )
    voted = _voted(registered_2024, rates, OUTCOME_TURNOUT)
    rows += _stations(
        office.pk, outcome, codes, registered_2024, voted, sum(t or 0 for *_x, t in counts), rng
    )
    StationResult.objects.bulk_create(rows, batch_size=5000)
    ctx.say(f"  official results: {len(rows):,} TPS rows in {len(BASELINES) + 1} elections")


NATIONAL_BATCH = 5000


def build_national(ctx: DemoContext) -> None:
    """For each national office: its first election's results and a 2018 baseline, one
    synthetic row per kelurahan (TPS "1"), so one office's evaluation can be timed at
    national scale. Offices that already have results are skipped."""
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
    counts: dict[int, list[tuple[str, int]]] = {}
    for office_id, code, total in (
        VoterCount.objects.filter(election__in=first_election.values())
        .order_by("region_id")
        .values_list("office_id", "region_id", "voters_total")
    ):
        counts.setdefault(office_id, []).append((code, total))
    rows: list[StationResult] = []
    for office in todo:
        election = first_election.get(office.pk)
        if election is None or office.pk not in counts:
            continue
        baseline = ElectionResult.objects.create(
            office=office, name="Pilkada 2018", year=2018, kind=election.kind
        )
        outcome = ElectionResult.objects.create(
            office=office,
            name=election.short_name or election.name,
            year=election.voting_day.year,
            voting_day=election.voting_day,
            kind=election.kind,
            election=election,
        )
        for code, total in counts[office.pk]:
            lasting = rng.uniform(-0.06, 0.06)
            for result, rate in ((baseline, 0.74), (outcome, 0.68)):
                registered = round(total * (0.93 if result is baseline else 1.0))
                voted = min(registered, round(registered * (rate + lasting + rng.gauss(0, 0.015))))
                rows.append(
                    StationResult(
                        office_id=office.pk,
                        result=result,
                        region_id=code,
                        tps="1",
                        dpt=registered,
                        registered=registered,
                        voted=voted,
                    )
                )
        if len(rows) >= NATIONAL_BATCH:
            StationResult.objects.bulk_create(rows, batch_size=NATIONAL_BATCH)
            rows = []
    StationResult.objects.bulk_create(rows, batch_size=NATIONAL_BATCH)
    ctx.say(f"  national results for {len(todo)} offices")
