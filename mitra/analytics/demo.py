"""Demo step: synthetic voter counts per kelurahan (about 1.89 million) and 2018 turnout."""

from __future__ import annotations

from mitra.demo.context import DemoContext
from mitra.regions.models import Region

from .models import PastTurnout, VoterCount

DPT_TOTAL = 1_887_881
MEN_SHARE = 932_468 / 1_887_881
POLLING_STATIONS = 3_590
TURNOUT_2018_REGISTERED = 1_659_017
TURNOUT_2018_VOTED = 1_305_872


def _split(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights`, the parts adding up exactly."""
    scale = sum(weights)
    parts = [int(total * w / scale) for w in weights]
    for i in range(total - sum(parts)):
        parts[i % len(parts)] += 1
    return parts


def build(ctx: DemoContext) -> None:
    office = ctx.objects["office"]
    rng = ctx.rng
    kelurahan = list(Region.objects.within(office.region_id).kelurahan().order_by("code"))
    weights = [rng.uniform(0.45, 1.8) for _ in kelurahan]
    voters = _split(DPT_TOTAL, weights)
    stations = _split(POLLING_STATIONS, weights)
    registered_2018 = _split(TURNOUT_2018_REGISTERED, weights)
    # Turnout varies by area around the city's 78.7 %; the total is kept close to the real one.
    rates = [rng.uniform(0.68, 0.88) for _ in kelurahan]
    voted_2018 = _split(
        TURNOUT_2018_VOTED, [r * reg for r, reg in zip(rates, registered_2018, strict=True)]
    )
    for election in ctx.objects["elections"]:
        VoterCount.objects.bulk_create(
            VoterCount(
                office=office,
                election=election,
                region=kel,
                voters_total=total,
                voters_men=round(total * MEN_SHARE),
                voters_women=total - round(total * MEN_SHARE),
                first_time_voters=round(total * rng.uniform(0.05, 0.09)),
                polling_stations=tps,
            )
            for kel, total, tps in zip(kelurahan, voters, stations, strict=True)
        )
    PastTurnout.objects.bulk_create(
        PastTurnout(
            office=office,
            label="Pilwalkot Bandung 2018",
            year=2018,
            region=kel,
            registered=reg,
            voted=min(voted, reg),
        )
        for kel, reg, voted in zip(kelurahan, registered_2018, voted_2018, strict=True)
    )
    ctx.say(f"  voter counts for {len(kelurahan)} kelurahan, {sum(voters):,} voters")
