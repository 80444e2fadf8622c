"""Denominators: voters and past turnout per area, per election and segment."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Sum,
)
from django.utils.translation import gettext as _

from mitra.analytics import scoring
from mitra.analytics.models import ElectionResult, StationResult, VoterCount
from mitra.elections.models import Election, Programme, Segment
from mitra.offices.models import Office

SEGMENT_VOTER_FIELD = {"pemula": "first_time_voters", "perempuan": "voters_women"}

# --- Denominators: voters and past turnout per area --------------------------------------


def programme_elections(*, programme: Programme) -> list[tuple[Election, bool]]:
    """The programme's elections (by voting day, name), each with whether it has voter
    counts: one query."""
    elections = (
        Election.objects.filter(programme=programme)
        .order_by("voting_day", "name")
        .annotate(has_counts=Exists(VoterCount.objects.filter(election_id=OuterRef("pk"))))
    )
    return [(e, bool(e.has_counts)) for e in elections]  # type: ignore[attr-defined]


def voter_election(
    *,
    programme: Programme,
    election_id: int | None,
    elections_with_counts: list[tuple[Election, bool]] | None = None,
) -> Election | None:
    """The election whose voter list is the denominator: the chosen one, else the first
    of the programme's elections that has voter counts (else the first at all).

    `elections_with_counts`: `programme_elections(programme)` when already read (see
    `filter_choices`); read here otherwise."""
    ordered = (
        programme_elections(programme=programme)
        if elections_with_counts is None
        else elections_with_counts
    )
    if election_id:
        return next((e for e, _has in ordered if e.pk == election_id), None)
    return next((e for e, has in ordered if has), ordered[0][0] if ordered else None)


@dataclass
class VoterBase:
    voters_total: int
    voters_men: int
    voters_women: int
    first_time_voters: int | None

    def counted(self, code: str | None) -> int | None:
        """Voters of the segment where the voter list tells them apart, else None."""
        field_name = SEGMENT_VOTER_FIELD.get(code or "")
        value = getattr(self, field_name) if field_name else None
        return int(value) if value is not None else None


@dataclass(frozen=True)
class SegmentVoters:
    """A segment's voters in an area: counted by the voter list, or estimated from the
    segment's share of all voters (the office's estimate, else the default)."""

    voters: int
    counted: bool
    share: float | None  # % of all voters, when estimated
    source: str  # where the figure or the share comes from


def segment_share(segment: Segment) -> tuple[float, str]:
    """The share of all voters (%) used for a segment the voter list does not count, and
    where it comes from: the office's own estimate, else the default."""
    if segment.voter_share is not None:
        return float(segment.voter_share), segment.voter_share_source or _("perkiraan kantor")
    share = scoring.DEFAULT_SHARES.get(segment.code, scoring.DEFAULT_SHARE)
    return share, _("perkiraan bawaan, belum disesuaikan kantor")


def segment_voters(*, base: VoterBase, segment: Segment) -> SegmentVoters:
    counted = base.counted(segment.code)
    if counted is not None:
        return SegmentVoters(voters=counted, counted=True, share=None, source=_("rekap DPT"))
    share, source = segment_share(segment)
    return SegmentVoters(
        voters=scoring.segment_voters(area_voters=base.voters_total, share_percent=share),
        counted=False,
        share=share,
        source=source,
    )


def voters_by_area(*, election: Election | None, level: str) -> dict[str, VoterBase]:
    """Voter figures per area code (kelurahan, or summed per kecamatan). Areas without
    imported figures are absent: callers show them as "tidak ada data", never as zero."""
    if election is None:
        return {}
    key = "region_id" if level == "kelurahan" else "region__parent_id"
    rows = (
        VoterCount.objects.filter(election=election)
        .values(key)
        .annotate(
            total=Sum("voters_total"),
            men=Sum("voters_men"),
            women=Sum("voters_women"),
            first=Sum("first_time_voters"),
            first_n=Count("first_time_voters"),
            n=Count("pk"),
        )
    )
    result = {}
    for r in rows:
        result[r[key]] = VoterBase(
            voters_total=r["total"],
            voters_men=r["men"],
            voters_women=r["women"],
            # Only when every kelurahan of the area has the figure; a partial sum would mislead.
            first_time_voters=r["first"] if r["first_n"] == r["n"] else None,
        )
    return result


@dataclass(frozen=True)
class TurnoutBase:
    label: str
    year: int
    by_area: dict[str, float]
    city: float | None


def results_by_area(*, result_id: int, level: str) -> dict[str, tuple[int, int]]:
    """(registered, voted) per area code of one election's results: the sums of its TPS
    rows per kelurahan (or per kecamatan); areas without results are absent."""
    key = "region_id" if level == "kelurahan" else "region__parent_id"
    rows = (
        StationResult.objects.filter(result_id=result_id)
        .order_by()
        .values(key)
        .annotate(registered=Sum("registered"), voted=Sum("voted"))
    )
    return {r[key]: (r["registered"], r["voted"]) for r in rows}


def baseline_result(*, office: Office) -> ElectionResult | None:
    """The past election the recommendations compare with: like with like, the latest
    earlier result of the same kind as one of the current programme's elections, else the
    latest earlier result of any kind (results of the programme's own elections excluded)."""
    own = Election.objects.filter(office_id=office.pk, programme__is_current=True)
    earlier = ElectionResult.objects.filter(office_id=office.pk).exclude(
        election_id__in=own.values("pk")
    )
    same_kind = earlier.filter(kind__in=own.values("kind")).order_by("-year", "name").first()
    return same_kind or earlier.order_by("-year", "name").first()


def programme_turnout(*, programme: Programme) -> float | None:
    """Turnout (percent, 2 decimals) of the first of the programme's elections whose
    official results are imported; None before that."""
    result = (
        ElectionResult.objects.filter(election__programme=programme)
        .order_by("election__voting_day", "election__name")
        .annotate(registered=Sum("stations__registered"), voted=Sum("stations__voted"))
        .values("registered", "voted")
        .first()
    )
    if not result or not result["registered"]:
        return None
    return round(100 * result["voted"] / result["registered"], 2)


def past_turnout(*, office: Office, level: str) -> TurnoutBase | None:
    """The baseline election's turnout per area and for the whole office area."""
    base = baseline_result(office=office)
    if base is None:
        return None
    groups = results_by_area(result_id=base.pk, level=level)
    if not groups:
        return None
    by_area = {code: voted / reg for code, (reg, voted) in groups.items() if reg}
    # The whole area's turnout is the sum over the groups (every row is in one group).
    registered = sum(reg for reg, _voted in groups.values())
    voted = sum(v for _reg, v in groups.values())
    city = voted / registered if registered else None
    return TurnoutBase(label=base.name, year=base.year, by_area=by_area, city=city)
