"""Demo step: synthetic voter counts per kelurahan (about 1.89 million) and the targets.

Official results per TPS (2018, 2019, 2024) are built by `mitra.evaluation.demo`, after the
activities, because the 2024 results carry the planted effect of the outreach."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from mitra.activities.selectors import programme_approaches
from mitra.demo.context import DemoContext, kelurahan_by_city
from mitra.regions.models import Region

from .models import Target, TargetMetric, VoterCount

DPT_TOTAL = 1_887_881
MEN_SHARE = 932_468 / 1_887_881
POLLING_STATIONS = 3_590


def _split(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights`, the parts adding up exactly."""
    scale = sum(weights)
    parts = [int(total * w / scale) for w in weights]
    for i in range(total - sum(parts)):
        parts[i % len(parts)] += 1
    return parts


def _voter_counts(
    office: Any,
    election: Any,
    rows: Iterable[tuple[Region, int, int]],
    rng: random.Random,
    first_time: tuple[float, float] = (0.05, 0.09),
) -> None:
    """One election's voter counts: (kelurahan, voters, polling stations) per row, men and
    women by the city's shares, first-time voters a drawn share of each."""
    VoterCount.objects.bulk_create(
        VoterCount(
            office=office,
            election=election,
            region=kel,
            voters_total=total,
            voters_men=round(total * MEN_SHARE),
            voters_women=total - round(total * MEN_SHARE),
            first_time_voters=round(total * rng.uniform(*first_time)),
            polling_stations=tps,
        )
        for kel, total, tps in rows
    )


def build(ctx: DemoContext) -> None:
    office = ctx.objects["office"]
    rng = ctx.rng
    kelurahan = list(Region.objects.within(office.region_id).kelurahan().order_by("code"))
    weights = [rng.uniform(0.45, 1.8) for _ in kelurahan]
    voters = _split(DPT_TOTAL, weights)
    stations = _split(POLLING_STATIONS, weights)
    for election in ctx.objects["elections"]:
        _voter_counts(office, election, zip(kelurahan, voters, stations, strict=True), rng)
    ctx.say(f"  voter counts for {len(kelurahan)} kelurahan, {sum(voters):,} voters")
    _targets(ctx)
    _build_live(ctx, kelurahan=kelurahan, voters=voters, stations=stations)


# The simulated programme's voter list: 2024's, grown a little in every kelurahan.
LIVE_GROWTH = (1.01, 1.04)


def _build_live(
    ctx: DemoContext, *, kelurahan: list[Region], voters: list[int], stations: list[int]
) -> None:
    """Voter counts and targets of the live programme (its own generator: the 2024 figures
    stay as they are)."""
    live = ctx.objects.get("live")
    if not live:
        return
    office, rng = ctx.objects["office"], ctx.live_rng
    grown = [round(total * rng.uniform(*LIVE_GROWTH)) for total in voters]
    for election in live["elections"]:
        places = zip(kelurahan, grown, stations, strict=True)
        _voter_counts(office, election, places, rng, first_time=(0.06, 0.1))
    # The simulation aims lower than 2024: 200 activities (four fifths per approach).
    rows = _programme_targets(
        ctx,
        programme=live["programme"],
        themes=live["themes"],
        totals=(200, 80, 15_000),
        per_segment=(("pemula", 3_000), ("muda", 4_000), ("disabilitas", 500)),
        per_theme=60,
        approach_share=0.8,
    )
    Target.objects.bulk_create(rows)
    ctx.say(f"  live programme: voter counts for {len(kelurahan)} kelurahan, {len(rows)} targets")


def _targets(ctx: DemoContext) -> None:
    """Programme targets as Bandung set them: every kelurahan, 90 % turnout, reach by segment."""
    rows = _programme_targets(
        ctx,
        programme=ctx.objects["programme"],
        themes=ctx.objects["themes"],
        totals=(250, 90, 25_000),
        per_segment=(("pemula", 6_000), ("muda", 6_000), ("perempuan", 4_000)),
        per_theme=80,
    )
    Target.objects.bulk_create(rows)
    ctx.say(f"  {len(rows)} programme targets")


def _programme_targets(
    ctx: DemoContext,
    *,
    programme: Any,
    themes: list[Any],
    totals: tuple[int, int, int],
    per_segment: tuple[tuple[str, int], ...],
    per_theme: int,
    approach_share: float = 1.0,
) -> list[Target]:
    """A programme's targets: `totals` (activities, turnout %, people reached), at least one
    activity in every kelurahan, reach per segment, activities per theme and per approach."""
    office = ctx.objects["office"]
    segments = {s.code: s for s in ctx.objects["segments"]}
    activities, turnout, reach = totals
    common = {"office": office, "programme": programme}
    return [
        Target(**common, metric=TargetMetric.ACTIVITIES, value=activities),
        Target(
            **common,
            metric=TargetMetric.ACTIVITIES_PER_KELURAHAN,
            value=1,
            note="Setiap kelurahan (151) minimal satu kegiatan",
        ),
        Target(**common, metric=TargetMetric.TURNOUT, value=turnout),
        Target(**common, metric=TargetMetric.REACH, value=reach),
        *(
            Target(**common, metric=TargetMetric.REACH, segment=segments[code], value=value)
            for code, value in per_segment
            if code in segments
        ),
        *(
            Target(**common, metric=TargetMetric.ACTIVITIES, theme=theme, value=per_theme)
            for theme in themes
        ),
        *_approach_targets(ctx, programme=programme, share=approach_share),
    ]


# Verified activities per approach (code of activities.services.DEFAULT_APPROACHES); they
# add up to the programme's 250.
APPROACH_TARGETS = {
    "diskusi-komunitas": 75,
    "seni-budaya": 45,
    "edukasi": 75,
    "media-sosial": 55,
}


def _approach_targets(ctx: DemoContext, *, programme: Any, share: float = 1.0) -> list[Target]:
    office = ctx.objects["office"]
    return [
        Target(
            office=office,
            programme=programme,
            metric=TargetMetric.ACTIVITIES,
            approach=approach,
            value=round(APPROACH_TARGETS[approach.code] * share),
        )
        for approach in programme_approaches(programme=programme)
        if approach.code in APPROACH_TARGETS
    ]


NATIONAL_BATCH = 5000


def build_national(ctx: DemoContext) -> None:
    """Synthetic voter counts for each national office's election, per kelurahan of its
    region (about 80,000 rows), so national dashboards show figures. Offices that already
    have voter counts are skipped, so the step can be re-run."""
    from mitra.elections.models import Election

    offices = ctx.objects.get("national_offices") or []
    if not offices:
        ctx.say("  no national offices: skipped")
        return
    done = set(VoterCount.objects.filter(office__in=offices).values_list("office_id", flat=True))
    todo = {o.pk: o for o in offices if o.pk not in done}
    if not todo:
        ctx.say("  national voter counts already there")
        return
    elections = list(Election.objects.filter(office_id__in=todo).order_by("pk"))
    kelurahan = kelurahan_by_city(o.region_id for o in todo.values())
    rng = ctx.rng
    rows: list[VoterCount] = []
    written = 0
    for election in elections:
        office = todo[election.office_id]
        for code in kelurahan.get(office.region_id or "", []):
            total = rng.randrange(3_000, 25_000)
            men = round(total * MEN_SHARE)
            rows.append(
                VoterCount(
                    office_id=office.pk,
                    election_id=election.pk,
                    region_id=code,
                    voters_total=total,
                    voters_men=men,
                    voters_women=total - men,
                    first_time_voters=round(total * rng.uniform(0.05, 0.09)),
                    polling_stations=max(1, total // 520),
                )
            )
        if len(rows) >= NATIONAL_BATCH:
            VoterCount.objects.bulk_create(rows, batch_size=NATIONAL_BATCH)
            written += len(rows)
            rows = []
    VoterCount.objects.bulk_create(rows, batch_size=NATIONAL_BATCH)
    written += len(rows)
    ctx.say(f"  {written} national voter counts for {len(elections)} elections")
