"""Gaps and recommendations: areas and segments the programme has not reached yet,
ranked, with partners that could reach them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Sum,
)
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.activities import selectors as activity_selectors
from mitra.activities.models import Activity
from mitra.activities.selectors import ActivityFilters
from mitra.analytics import priority, scoring
from mitra.analytics.models import VoterCount
from mitra.core.errors import NotFoundError
from mitra.core.numbers import Kind, format_figure, format_number
from mitra.elections.models import Programme, Segment
from mitra.elections.selectors import current_programme
from mitra.offices.models import Office
from mitra.partners.models import Deliverable, DeliverableMetric, Partner, PartnerStatus

from .areas import office_areas
from .denominators import (
    SegmentVoters,
    TurnoutBase,
    past_turnout,
    segment_share,
    segment_voters,
    voter_election,
    voters_by_area,
)
from .scope import (
    HIDDEN,
    DashboardFilters,
    reference_day,
    require_dashboard,
    small_cell_threshold,
    suppress,
)
from .trend import reach_sum

PER_AREA = 3  # gaps of one area in the ranking before "more"

# --- Gaps and recommendations ------------------------------------------------------------


@dataclass
class PartnerSuggestion:
    partner_id: int
    name: str
    covers_area: bool
    covers_segment: bool
    activities_left: int
    reach_left: int


@dataclass
class Gap:
    area_code: str
    area_name: str
    segment_id: int
    segment_name: str
    voters: int  # the segment's voters in the area, counted or estimated (see `estimate`)
    reached: int
    activities: int
    turnout: float | None
    score: float
    reason: str
    estimate: SegmentVoters | None = None
    days_left: int = 0  # shown beside the score, never part of it
    reached_shown: int | str = 0  # `reached` as the viewer may see it ("<5")
    partners: list[PartnerSuggestion] = field(default_factory=list)
    # The area's further gaps, below the few shown in the ranking ("more").
    more: list[Gap] = field(default_factory=list)


def _reason(
    *,
    area: str,
    segment: Segment,
    estimate: SegmentVoters,
    reached: int | str,
    activities: int,
    turnout: float | None,
    base: TurnoutBase | None,
) -> str:
    """Why a gap ranks where it does, in words: the segment's voters and where that figure
    comes from, what was done, the past turnout. (Days left are shown beside, not here.)"""
    name = segment.name.lower()
    if estimate.counted:
        parts = [
            _("%(area)s: %(n)s %(segment)s (%(source)s)")
            % {
                "area": area,
                "n": format_number(estimate.voters),
                "segment": name,
                "source": estimate.source,
            }
        ]
    else:
        parts = [
            _("%(area)s: ± %(n)s %(segment)s (%(share)s %% pemilih; %(source)s)")
            % {
                "area": area,
                "n": format_number(estimate.voters),
                "segment": name,
                "share": format_figure(estimate.share or 0, Kind.PERCENT),
                "source": estimate.source,
            }
        ]
    if activities == 0:
        parts.append(_("belum ada kegiatan untuk %(segment)s") % {"segment": name})
    else:
        rate = (
            HIDDEN
            if isinstance(reached, str)
            else format_figure(1000 * reached / estimate.voters, Kind.RATE)
            if estimate.voters
            else "–"
        )
        parts.append(
            _("baru %(n)s kegiatan untuk %(segment)s, %(reached)s orang (%(rate)s per 1.000)")
            % {
                "n": format_number(activities),
                "segment": name,
                "reached": reached if isinstance(reached, str) else format_number(reached),
                "rate": rate,
            }
        )
    if turnout is not None and base is not None:
        text = _("partisipasi %(year)s %(pct)s %%") % {
            "year": base.year,
            "pct": format_figure(100 * turnout, Kind.PERCENT),
        }
        if base.city is not None:
            text += " " + _("(kota %(pct)s %%)") % {
                "pct": format_figure(100 * base.city, Kind.PERCENT)
            }
        parts.append(text)
    return ", ".join(parts)


def _covers(region_code: str, area_code: str) -> bool:
    """A partner's region covers an area when one contains the other (codes nest)."""
    return (
        region_code == area_code
        or area_code.startswith(region_code + ".")
        or region_code.startswith(area_code + ".")
    )


def partner_capacity(
    *,
    office: Office,
    programme: Programme,
    as_of: datetime.date,
    verified_by: datetime.date | None = None,
) -> dict[int, tuple[int, int]]:
    """Per active partner with deliverables: (activities left, reach left) of its agreements
    in force on `as_of`, after its verified work in the programme."""
    targets: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for partner_id, metric, total in (
        Deliverable.objects.filter(
            agreement__office_id=office.pk,
            agreement__partner__status=PartnerStatus.ACTIVE,
            agreement__valid_from__lte=programme.voting_day,
            agreement__valid_until__gte=as_of,
        )
        .values_list("agreement__partner_id", "metric")
        .annotate(total=Sum("target"))
    ):
        if metric == DeliverableMetric.REACH:
            targets[partner_id][1] += total
        elif metric == DeliverableMetric.ACTIVITIES:
            targets[partner_id][0] += total
    if not targets:
        return {}
    done = {
        r["partner_id"]: r
        for r in activity_selectors.counted_activities(
            office=office,
            filters=ActivityFilters(programme_id=programme.pk, verified_by=verified_by),
        )
        .filter(partner_id__in=list(targets))
        .values("partner_id")
        .annotate(n=Count("pk"), reach=reach_sum(office))
    }
    result = {}
    for partner_id, (activities_target, reach_target) in targets.items():
        d = done.get(partner_id, {"n": 0, "reach": 0})
        result[partner_id] = (
            max(0, activities_target - d["n"]),
            max(0, reach_target - d["reach"]),
        )
    return result


def _suggestions(
    *,
    office: Office,
    programme: Programme,
    as_of: datetime.date,
    verified_by: datetime.date | None,
) -> tuple[dict[int, str], dict[int, set[str]], dict[int, set[int]], dict[int, tuple[int, int]]]:
    capacity = {
        pid: left
        for pid, left in partner_capacity(
            office=office, programme=programme, as_of=as_of, verified_by=verified_by
        ).items()
        if left[0] > 0 or left[1] > 0
    }
    names = dict(Partner.objects.filter(pk__in=list(capacity)).values_list("pk", "name"))
    areas: dict[int, set[str]] = defaultdict(set)
    for pid, code in Partner.areas.through.objects.filter(
        partner_id__in=list(capacity)
    ).values_list("partner_id", "region_id"):
        areas[pid].add(code)
    segments: dict[int, set[int]] = defaultdict(set)
    for pid, sid in Partner.segments.through.objects.filter(
        partner_id__in=list(capacity)
    ).values_list("partner_id", "segment_id"):
        segments[pid].add(sid)
    return names, areas, segments, capacity


def gaps(
    *,
    office: Office,
    programme: Programme,
    filters: DashboardFilters | None = None,
    today: datetime.date | None = None,
    limit: int | None = 50,
    partners_per_gap: int = 3,
    per_area: int | None = PER_AREA,
    threshold: int = 0,
) -> list[Gap]:
    """Ranked (area × segment) gaps with the best-placed partners; [] after voting day.

    Scoring (docs/analytics.md): segment voters/1000 × 1/(1 + reach per 1,000) × turnout
    weight. Areas without voter figures are left out (nothing to weigh them by).
    `per_area`: at most that many gaps of one area in the ranking; the area's others are
    kept in the last one's `more`. `threshold`: small-cell threshold of the viewer.
    """
    filters = filters or DashboardFilters()
    level = filters.level
    as_of = reference_day(filters=filters, today=today)
    days_left = (programme.voting_day - as_of).days
    if days_left <= 0:
        return []
    election = voter_election(programme=programme, election_id=filters.election_id)
    voters = voters_by_area(election=election, level=level)
    if not voters:
        return []
    turnout = past_turnout(office=office, level=level)
    segments = Segment.objects.filter(office=office).order_by("order", "pk")
    if filters.segment_id:
        segments = segments.filter(pk=filters.segment_id)
    counted = activity_selectors.counted_activities(
        office=office,
        filters=ActivityFilters(
            programme_id=programme.pk,
            election_id=filters.election_id,
            theme_id=filters.theme_id,
            date_from=filters.date_from,
            date_to=filters.date_to,
            verified_by=filters.date_to,
        ),
    )
    area_key = (
        "activity__kelurahan_id" if level == "kelurahan" else "activity__kelurahan__parent_id"
    )
    reach: dict[tuple[str, int], tuple[int, int]] = {}
    for r in (
        Activity.segments.through.objects.filter(activity_id__in=counted.values("pk"))
        .exclude(**{f"{area_key}__isnull": True})
        .values(area_key, "segment_id")
        .annotate(n=Count("activity_id"), reach=reach_sum(office, through=True))
    ):
        reach[(r[area_key], r["segment_id"])] = (r["n"], r["reach"])
    names = {r.code: r.name for r in office_areas(office=office, level=level)}
    # A staggered-priority design keeps its late kelurahan out until its date (priority.py).
    later = priority.held_back(programme_id=programme.pk, day=as_of)
    result = []
    for segment in segments:
        for code, base in voters.items():
            if code not in names or code in later:
                continue
            n, reached = reach.get((code, segment.pk), (0, 0))
            estimate = segment_voters(base=base, segment=segment)
            area_turnout = turnout.by_area.get(code) if turnout else None
            score = scoring.gap_score(
                voters=estimate.voters,
                reached=reached,
                area_turnout=area_turnout,
                city_turnout=turnout.city if turnout else None,
            )
            shown = suppress(reached, threshold) or 0
            result.append(
                Gap(
                    area_code=code,
                    area_name=names[code],
                    segment_id=segment.pk,
                    segment_name=segment.name,
                    voters=estimate.voters,
                    reached=reached,
                    activities=n,
                    turnout=area_turnout,
                    score=score,
                    reason=_reason(
                        area=names[code],
                        segment=segment,
                        estimate=estimate,
                        reached=shown,
                        activities=n,
                        turnout=area_turnout,
                        base=turnout,
                    ),
                    estimate=estimate,
                    days_left=days_left,
                    reached_shown=shown,
                )
            )
    result.sort(key=lambda g: (-g.score, g.area_code, g.segment_id))
    if per_area:
        result = _few_per_area(result, per_area)
    if limit is not None:
        result = result[:limit]
    if result and partners_per_gap:
        partner_names, areas, partner_segments, capacity = _suggestions(
            office=office, programme=programme, as_of=as_of, verified_by=filters.date_to
        )
        for gap in [g for kept in result for g in (kept, *kept.more)]:
            candidates = []
            for pid, (acts_left, reach_left) in capacity.items():
                covers_area = any(_covers(code, gap.area_code) for code in areas.get(pid, ()))
                covers_segment = gap.segment_id in partner_segments.get(pid, set())
                if covers_area or covers_segment:
                    candidates.append(
                        PartnerSuggestion(
                            partner_id=pid,
                            name=partner_names.get(pid, ""),
                            covers_area=covers_area,
                            covers_segment=covers_segment,
                            activities_left=acts_left,
                            reach_left=reach_left,
                        )
                    )
            candidates.sort(
                key=lambda c: (
                    -(int(c.covers_area) + int(c.covers_segment)),
                    -c.activities_left,
                    -c.reach_left,
                    c.name,
                )
            )
            gap.partners = candidates[:partners_per_gap]
    return result


def _few_per_area(ranked: list[Gap], per_area: int) -> list[Gap]:
    """The ranking with at most `per_area` gaps of one area; the area's further gaps go,
    in rank order, to the `more` of its last one shown."""
    kept: list[Gap] = []
    last: dict[str, Gap] = {}
    shown: dict[str, int] = defaultdict(int)
    for gap in ranked:
        if shown[gap.area_code] < per_area:
            shown[gap.area_code] += 1
            kept.append(gap)
            last[gap.area_code] = gap
        else:
            last[gap.area_code].more.append(gap)
    return kept


@dataclass(frozen=True)
class SegmentEstimate:
    segment: Segment
    counted: bool  # the voter list counts it (first-time voters, women)
    share: float | None
    source: str
    is_default: bool


def office_segment(*, office: Office, pk: int) -> Segment:
    segment = Segment.objects.filter(office_id=office.pk, pk=pk).first()
    if segment is None:
        raise NotFoundError(_("Segmen tidak ditemukan."), code="not_found")
    return segment


def segment_estimates(*, office: Office) -> list[SegmentEstimate]:
    """Per segment of the office, the voter figure gap scoring uses: the voter list's own
    count (where every kelurahan of the list has it), else a share of all voters."""
    programme = current_programme(office=office)
    election = voter_election(programme=programme, election_id=None) if programme else None
    counts = VoterCount.objects.filter(election=election) if election else None
    fully_counted = {"perempuan": bool(counts is not None and counts.exists())}
    fully_counted["pemula"] = bool(
        fully_counted["perempuan"]
        and counts is not None
        and not counts.filter(first_time_voters__isnull=True).exists()
    )
    rows = []
    for segment in Segment.objects.filter(office_id=office.pk).order_by("order", "pk"):
        share, source = segment_share(segment)
        counted = fully_counted.get(segment.code, False)
        rows.append(
            SegmentEstimate(
                segment=segment,
                counted=counted,
                share=share,
                source=_("rekap DPT") if counted else source,
                is_default=segment.voter_share is None,
            )
        )
    return rows


def office_gaps(
    *,
    membership: Membership | None,
    filters: DashboardFilters | None = None,
    today: datetime.date | None = None,
    limit: int | None = 50,
) -> list[Gap]:
    membership = require_dashboard(membership)
    programme = current_programme(office=membership.office)
    if programme is None:
        return []
    return gaps(
        office=membership.office,
        programme=programme,
        filters=filters,
        today=today,
        limit=limit,
        threshold=small_cell_threshold(membership=membership, office=membership.office),
    )


def partner_gaps(
    *, membership: Membership | None, today: datetime.date | None = None, limit: int = 5
) -> list[Gap]:
    """A coordinator's view: the office's gaps in the areas or segments their partner serves."""
    if membership is None or not membership.partner_id:
        return []
    partner = membership.partner
    programme = current_programme(office=membership.office)
    if programme is None or partner is None:
        return []
    area_codes = list(
        Partner.areas.through.objects.filter(partner_id=partner.pk).values_list(
            "region_id", flat=True
        )
    )
    segment_ids = set(partner.segments.values_list("pk", flat=True))
    ranked = gaps(
        office=membership.office,
        programme=programme,
        today=today,
        limit=None,
        partners_per_gap=0,
        threshold=small_cell_threshold(membership=membership, office=membership.office),
    )
    matching = [
        g
        for g in ranked
        if g.segment_id in segment_ids or any(_covers(c, g.area_code) for c in area_codes)
    ]
    return matching[:limit]
