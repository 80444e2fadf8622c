"""Every figure of the turnout evaluation: the page, its public version, the XLSX and the API.

Turnout comes from the official results per TPS (`mitra.analytics`), rolled up per
kelurahan; exposure from the verified activities of the programme held before voting day
(`mitra.activities.selectors`); the statistics from `estimate.py`. See docs/evaluation.md.

Past ~600 lines: the page, the public page, the XLSX and the API read these same functions
(one selector layer); the statistics themselves are in `estimate.py` and `verdict.py`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.activities import selectors as activity_selectors
from mitra.activities.models import Activity
from mitra.activities.selectors import ActivityFilters
from mitra.analytics.models import ElectionResult, StationResult, Target, TargetMetric
from mitra.analytics.selectors import require_dashboard, small_cell_threshold, suppress
from mitra.elections.models import Election, Programme
from mitra.elections.selectors import current_programme
from mitra.offices.models import Office
from mitra.regions.models import Region, RegionLevel

from . import estimate as stats
from .adjacency import neighbours
from .models import StaggeredPlan
from .verdict import verdict_text


@dataclass
class AreaTurnout:
    """One kelurahan or kecamatan: turnout now and at the baseline, and the exposure."""

    code: str
    name: str
    parent_name: str
    registered: int
    voted: int
    baseline_registered: int | None
    baseline_voted: int | None
    activities: int = 0
    reach: int = 0
    reach_by_segment: dict[int, int] = field(default_factory=dict)

    @property
    def turnout(self) -> float | None:
        return 100 * self.voted / self.registered if self.registered else None

    @property
    def baseline_turnout(self) -> float | None:
        if not self.baseline_registered or self.baseline_voted is None:
            return None
        return 100 * self.baseline_voted / self.baseline_registered

    @property
    def change(self) -> float | None:
        now, then = self.turnout, self.baseline_turnout
        return None if now is None or then is None else now - then

    @property
    def reach_per_1000(self) -> float | None:
        return 1000 * self.reach / self.registered if self.registered else None

    @property
    def activities_per_10000(self) -> float | None:
        return 10000 * self.activities / self.registered if self.registered else None


@dataclass
class Evaluation:
    office: Office
    programme: Programme
    election: Election
    result: ElectionResult | None
    baseline: ElectionResult | None
    placebo: tuple[ElectionResult, ElectionResult] | None
    choices: list[ElectionResult]  # results that may serve as the baseline
    target: int | None  # turnout target, percent
    kelurahan: list[AreaTurnout]
    kecamatan: list[AreaTurnout]
    segments: list[tuple[int, str]]
    estimate: stats.Estimate | None = None
    reach_needed: stats.ReachNeeded | None = None
    unmatched_voters: int = 0  # registered voters of kelurahan left out of the model
    threshold: int = 0
    verdict: str = ""
    experiment: Experiment | None = None

    @property
    def registered(self) -> int:
        return sum(a.registered for a in self.kelurahan)

    @property
    def voted(self) -> int:
        return sum(a.voted for a in self.kelurahan)

    @property
    def turnout(self) -> float | None:
        return 100 * self.voted / self.registered if self.registered else None

    @property
    def baseline_turnout(self) -> float | None:
        reg = sum(a.baseline_registered or 0 for a in self.kelurahan)
        voted = sum(a.baseline_voted or 0 for a in self.kelurahan)
        if self.baseline is None or not reg:
            return None
        return 100 * voted / reg

    @property
    def change(self) -> float | None:
        now, then = self.turnout, self.baseline_turnout
        return None if now is None or then is None else now - then

    @property
    def to_target(self) -> float | None:
        """Points still missing to the turnout target (negative: above it)."""
        return None if self.target is None or self.turnout is None else self.target - self.turnout

    @property
    def reach(self) -> int:
        return sum(a.reach for a in self.kelurahan)

    @property
    def extra_voters(self) -> tuple[float, float, float] | None:
        """Extra voters (estimate, low, high): the coefficient × people reached in the model."""
        if self.estimate is None:
            return None
        reach = sum(a.reach for a in self.kelurahan if a.baseline_turnout is not None)
        c = self.estimate.adjusted
        return (c.estimate * reach, c.low * reach, c.high * reach)


# --- Which results ------------------------------------------------------------------------


def _before(result: ElectionResult, day: datetime.date) -> bool:
    """Held before `day`: by its voting day where known, else only by an earlier year."""
    if result.voting_day is not None:
        return result.voting_day < day
    return result.year < day.year


def programme_start(programme: Programme) -> datetime.date:
    """When the programme began: its earliest activity, else 90 days before voting day.
    Baselines and placebo elections must be held before it, so the programme cannot have
    touched them."""
    first = (
        Activity.objects.filter(programme=programme)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    fallback = programme.voting_day - datetime.timedelta(days=90)
    return min(timezone.localtime(first).date(), fallback) if first else fallback


def _pick(
    *, office: Office, election: Election, baseline_id: int | None, start: datetime.date
) -> tuple[
    ElectionResult | None,
    ElectionResult | None,
    tuple[ElectionResult, ElectionResult] | None,
    list[ElectionResult],
]:
    """The election's results, the baseline (chosen, else the latest earlier result of the
    same kind), the placebo pair (the two latest earlier results of one other kind) and the
    candidates for the baseline; "earlier" means held before the programme's `start`."""
    results = list(ElectionResult.objects.filter(office=office).order_by("-year", "name"))
    own = next((r for r in results if r.election_id == election.pk), None)
    earlier = [r for r in results if r.election_id is None and _before(r, start)]
    baseline = next((r for r in earlier if r.pk == baseline_id), None) if baseline_id else None
    if baseline is None:
        baseline = next((r for r in earlier if r.kind == election.kind), None)
    if baseline is None and earlier:
        baseline = earlier[0]
    placebo = None
    for kind in dict.fromkeys(r.kind for r in earlier if r != baseline):
        pair = [r for r in earlier if r.kind == kind and r != baseline][:2]
        if len(pair) == 2:
            placebo = (pair[1], pair[0])  # (earlier, later)
            break
    return own, baseline, placebo, earlier


def evaluated_elections(*, programme: Programme) -> list[Election]:
    return list(Election.objects.filter(programme=programme).order_by("voting_day", "name"))


def _default_election(programme: Programme) -> Election | None:
    """The first of the programme's elections that has results, else the first one."""
    elections = evaluated_elections(programme=programme)
    with_results = set(
        ElectionResult.objects.filter(election__in=elections).values_list("election_id", flat=True)
    )
    return next((e for e in elections if e.pk in with_results), elections[0] if elections else None)


# --- Figures ------------------------------------------------------------------------------


def _by_kelurahan(result: ElectionResult | None) -> dict[str, tuple[int, int]]:
    if result is None:
        return {}
    rows = (
        StationResult.objects.filter(result=result)
        .order_by()
        .values("region_id")
        .annotate(registered=Sum("registered"), voted=Sum("voted"))
    )
    return {r["region_id"]: (r["registered"], r["voted"]) for r in rows}


def exposure(
    *, office: Office, programme: Programme, voting_day: datetime.date
) -> tuple[dict[str, tuple[int, int]], dict[str, dict[int, int]]]:
    """Verified activities and reach per kelurahan, from activities of the programme that
    started before voting day; and the reach per kelurahan and segment (an activity for two
    segments counts in both)."""
    filters = ActivityFilters(
        programme_id=programme.pk, date_to=voting_day - datetime.timedelta(days=1)
    )
    counted = activity_selectors.counted_activities(office=office, filters=filters)
    totals = {
        r["id"]: (r["activities"], r["attendance"])
        for r in activity_selectors.reach_by(office=office, dimension="kelurahan", filters=filters)
        if r["id"]
    }
    per_segment: dict[str, dict[int, int]] = defaultdict(dict)
    for r in (
        Activity.segments.through.objects.filter(activity_id__in=counted.values("pk"))
        .exclude(activity__kelurahan__isnull=True)
        .values("activity__kelurahan_id", "segment_id")
        .annotate(reach=Coalesce(Sum("activity__report__attendance_total"), 0))
    ):
        per_segment[r["activity__kelurahan_id"]][r["segment_id"]] = r["reach"]
    return totals, per_segment


def evaluation(
    *,
    office: Office,
    programme: Programme,
    election: Election,
    baseline_id: int | None = None,
    threshold: int = 0,
) -> Evaluation:
    result, baseline, placebo, earlier = _pick(
        office=office,
        election=election,
        baseline_id=baseline_id,
        start=programme_start(programme),
    )
    now = _by_kelurahan(result)
    then = _by_kelurahan(baseline)
    activities, per_segment = exposure(
        office=office, programme=programme, voting_day=election.voting_day
    )
    regions = (
        Region.objects.within(office.region_id)
        .filter(level=RegionLevel.KELURAHAN)
        .select_related("parent")
        .order_by("code")
    )
    kelurahan: list[AreaTurnout] = []
    for region in regions:
        if region.code not in now:
            continue
        reg, voted = now[region.code]
        base = then.get(region.code)
        n, reach = activities.get(region.code, (0, 0))
        kelurahan.append(
            AreaTurnout(
                code=region.code,
                name=region.name,
                parent_name=region.parent.name if region.parent else "",
                registered=reg,
                voted=voted,
                baseline_registered=base[0] if base else None,
                baseline_voted=base[1] if base else None,
                activities=n,
                reach=reach,
                reach_by_segment=per_segment.get(region.code, {}),
            )
        )
    target = (
        Target.objects.filter(
            programme=programme, metric=TargetMetric.TURNOUT, segment=None, theme=None
        )
        .values_list("value", flat=True)
        .first()
    )
    found = Evaluation(
        office=office,
        programme=programme,
        election=election,
        result=result,
        baseline=baseline,
        placebo=placebo,
        choices=earlier,
        target=target,
        kelurahan=kelurahan,
        kecamatan=_kecamatan(office, kelurahan, {r.code: r for r in regions}),
        segments=_segments(office, per_segment),
        threshold=threshold,
    )
    _estimate(found, placebo)
    found.experiment = experiment(found)
    return found


def _kecamatan(
    office: Office, kelurahan: list[AreaTurnout], regions: dict[str, Region]
) -> list[AreaTurnout]:
    groups: dict[str, AreaTurnout] = {}
    for area in kelurahan:
        parent = regions[area.code].parent
        assert parent is not None
        group = groups.setdefault(
            parent.code,
            AreaTurnout(
                code=parent.code,
                name=parent.name,
                parent_name="",
                registered=0,
                voted=0,
                baseline_registered=0,
                baseline_voted=0,
            ),
        )
        group.registered += area.registered
        group.voted += area.voted
        if area.baseline_registered is not None:
            group.baseline_registered = (group.baseline_registered or 0) + area.baseline_registered
            group.baseline_voted = (group.baseline_voted or 0) + (area.baseline_voted or 0)
        group.activities += area.activities
        group.reach += area.reach
    return sorted(groups.values(), key=lambda g: g.code)


def _segments(office: Office, per_segment: dict[str, dict[int, int]]) -> list[tuple[int, str]]:
    from mitra.elections.models import Segment

    used = {s for by in per_segment.values() for s in by}
    return list(
        Segment.objects.filter(office=office, pk__in=used)
        .order_by("order", "pk")
        .values_list("pk", "name")
    )


def _neighbour_exposure(found: Evaluation) -> dict[str, float]:
    """Percent of the adjacent kelurahan's voters reached, per kelurahan, from the imported
    boundaries ({} when the office has none; a kelurahan without neighbours gets 0)."""
    geometries: dict[str, dict[str, Any] | None] = dict(
        Region.objects.filter(
            code__in=[a.code for a in found.kelurahan], boundary__isnull=False
        ).values_list("code", "boundary")
    )
    if not geometries:
        return {}
    by_code = {a.code: a for a in found.kelurahan}
    result = {}
    for code, around in neighbours(geometries).items():
        voters = sum(by_code[c].registered for c in around)
        result[code] = 100 * sum(by_code[c].reach for c in around) / voters if voters else 0.0
    return result


def _estimate(found: Evaluation, placebo: tuple[ElectionResult, ElectionResult] | None) -> None:
    before = _by_kelurahan(placebo[0]) if placebo else {}
    after = _by_kelurahan(placebo[1]) if placebo else {}
    around = _neighbour_exposure(found)
    units = []
    unmatched = 0
    for area in found.kelurahan:
        if area.baseline_turnout is None or not area.registered:
            unmatched += area.registered
            continue
        pb, pa = before.get(area.code), after.get(area.code)
        units.append(
            stats.Unit(
                code=area.code,
                cluster=area.code.rsplit(".", 1)[0],
                registered=area.registered,
                outcome=area.voted / area.registered,
                baseline=area.baseline_turnout / 100,
                exposure=100 * area.reach / area.registered,
                placebo_before=pb[1] / pb[0] if pb and pb[0] else None,
                placebo_after=pa[1] / pa[0] if pa and pa[0] else None,
                neighbour_exposure=around.get(area.code),
            )
        )
    found.unmatched_voters = unmatched
    found.estimate = stats.estimate(units) if found.result else None
    if found.estimate is not None and units:
        voters = sum(u.registered for u in units) / len(units)
        half = max(2, len(units) // 4)  # a quarter concentrated, compared with a quarter
        found.reach_needed = stats.reach_needed(
            residual_sd=found.estimate.residual_sd,
            voters_per_kelurahan=voters,
            kelurahan=half,
            comparison=half,
        )
    found.verdict = verdict_text(found.estimate, has_results=found.result is not None)


# --- Entry points -------------------------------------------------------------------------


def evaluated_programme(*, office: Office) -> Programme | None:
    """The programme whose turnout is evaluated: the latest one whose own elections have
    official results (a finished programme, kept as the archive while the next one runs),
    else the office's current programme (its page then says results are awaited)."""
    finished = (
        Programme.objects.filter(office=office, elections__result__isnull=False)
        .order_by("-voting_day", "-pk")
        .first()
    )
    return finished or current_programme(office=office)


def _for_office(
    *, office: Office, election_id: int | None, baseline_id: int | None, threshold: int
) -> Evaluation | None:
    """The evaluation of the chosen election of the evaluated programme (else of the
    first one with results); None when there is no programme or election."""
    programme = evaluated_programme(office=office)
    if programme is None:
        return None
    election = (
        Election.objects.filter(programme=programme, pk=election_id).first()
        if election_id
        else None
    ) or _default_election(programme)
    if election is None:
        return None
    return evaluation(
        office=office,
        programme=programme,
        election=election,
        baseline_id=baseline_id,
        threshold=threshold,
    )


def turnout_evaluation(
    *,
    membership: Membership | None,
    election_id: int | None = None,
    baseline_id: int | None = None,
) -> Evaluation | None:
    """The office's evaluation for staff and observers."""
    membership = require_dashboard(membership)
    return _for_office(
        office=membership.office,
        election_id=election_id,
        baseline_id=baseline_id,
        threshold=small_cell_threshold(membership=membership, office=membership.office),
    )


def public_evaluation(
    *, office: Office, election_id: int | None = None, baseline_id: int | None = None
) -> Evaluation | None:
    """The same figures for the public site; reach counts below the threshold are hidden."""
    return _for_office(
        office=office,
        election_id=election_id,
        baseline_id=baseline_id,
        threshold=int(office.small_cell_threshold or 0),
    )


def shown_reach(value: int, threshold: int) -> int | str:
    return suppress(value, threshold) or 0


# --- Tables shared by the XLSX and the API ------------------------------------------------


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def kelurahan_rows(found: Evaluation) -> list[dict[str, object]]:
    """One row per kelurahan with results, as the page's table shows it."""
    return [
        {
            "code": a.code,
            "name": a.name,
            "kecamatan": a.parent_name,
            "registered": a.registered,
            "voted": a.voted,
            "turnout": rounded(a.turnout),
            "baseline_turnout": rounded(a.baseline_turnout),
            "change": rounded(a.change),
            "activities": a.activities,
            "reach": shown_reach(a.reach, found.threshold),
            "activities_per_10000": rounded(a.activities_per_10000),
            "reach_per_1000": rounded(a.reach_per_1000),
        }
        for a in found.kelurahan
    ]


def model_rows(found: Evaluation) -> list[dict[str, object]]:
    """The model's results: each coefficient (points per 1 % of voters reached) with its
    95 % interval, the minimum detectable effect and the extra voters."""
    e = found.estimate
    if e is None:
        return []
    rows: list[dict[str, object]] = []
    for key, label, c in (
        ("adjusted", _("Perkiraan (disesuaikan)"), e.adjusted),
        ("naive", _("Sebelum/sesudah tanpa penyesuaian"), e.naive),
        ("placebo", _("Uji plasebo"), e.placebo),
        ("spillover", _("Dengan paparan kelurahan tetangga (uji kepekaan)"), e.spillover),
    ):
        if c is not None:
            rows.append(
                {
                    "key": key,
                    "label": label,
                    "estimate": round(c.estimate, 4),
                    "low": round(c.low, 4),
                    "high": round(c.high, 4),
                    "p_value": round(c.p_value, 4),
                }
            )
    rows.append(
        {
            "key": "mde",
            "label": _("Pengaruh minimum yang dapat dideteksi"),
            "estimate": round(e.mde, 4),
        }
    )
    extra = found.extra_voters
    if extra is not None:
        rows.append(
            {
                "key": "extra_voters",
                "label": _("Tambahan pemilih"),
                "estimate": round(extra[0]),
                "low": round(extra[1]),
                "high": round(extra[2]),
            }
        )
    return rows


# --- The staggered-priority design --------------------------------------------------------


@dataclass(frozen=True)
class Experiment:
    """The experimental comparison of a staggered design, by assignment (intention to treat)."""

    plan: StaggeredPlan
    early: int
    late: int
    difference: float  # mean turnout change, early − late, points (kelurahan, unweighted)
    p_value: float  # randomisation inference, re-drawn within kecamatan
    reach_early: float | None  # reach per 1,000 voters, early group
    reach_late: float | None


def experiment(found: Evaluation) -> Experiment | None:
    plan = StaggeredPlan.objects.filter(programme=found.programme).first()
    if plan is None or found.result is None:
        return None
    groups = dict(plan.assignments.values_list("region_id", "late"))
    blocks = dict(plan.assignments.values_list("region_id", "block"))
    areas = [a for a in found.kelurahan if a.code in groups and a.change is not None]
    early = [a for a in areas if not groups[a.code]]
    late = [a for a in areas if groups[a.code]]
    if len(early) < 2 or len(late) < 2:
        return None
    difference, p_value = stats.permutation_p_value(
        outcome=[a.change or 0.0 for a in areas],
        assigned=[not groups[a.code] for a in areas],
        blocks=[blocks[a.code] for a in areas],
        seed=plan.seed,
    )

    def per_1000(group: list[AreaTurnout]) -> float | None:
        voters = sum(a.registered for a in group)
        return 1000 * sum(a.reach for a in group) / voters if voters else None

    return Experiment(
        plan=plan,
        early=len(early),
        late=len(late),
        difference=difference,
        p_value=p_value,
        reach_early=per_1000(early),
        reach_late=per_1000(late),
    )


def eligible_kelurahan(*, office: Office, programme: Programme, count: int) -> list[str]:
    """The `count` kelurahan with the largest gaps today (their best segment's score)."""
    from mitra.analytics.selectors import DashboardFilters, gaps

    ranked = gaps(
        office=office,
        programme=programme,
        filters=DashboardFilters(level="kelurahan"),
        limit=None,
        partners_per_gap=0,
    )
    return list(dict.fromkeys(g.area_code for g in ranked))[:count]


@dataclass(frozen=True)
class PlanPreview:
    eligible: list[str]
    early: int
    late: int
    voters_early: int
    people: int  # people the early group's outreach would reach
    share: float  # percent of the early group's voters reached
    detectable: float | None  # smallest per-person effect detectable (votes per person)
    residual_sd: float


def plan_preview(
    *,
    office: Office,
    programme: Programme,
    eligible: list[str],
    late_share: int,
    people: int,
    residual_sd: float | None = None,
) -> PlanPreview:
    """What a design would detect, before anyone commits to it: two groups of kelurahan
    compared on their turnout change, `people` reached in the early group before the late
    group starts (the residual spread from the last evaluation, else 2 points)."""
    from mitra.analytics.models import VoterCount

    voters = dict(
        VoterCount.objects.filter(
            office=office, election__programme=programme, region_id__in=eligible
        )
        .order_by("region_id", "election__voting_day")
        .values_list("region_id", "voters_total")
    )
    n = len(eligible)
    late = round(late_share / 100 * n)
    early = n - late
    mean_voters = sum(voters.values()) / len(voters) if voters else 0
    voters_early = round(mean_voters * early)
    share = 100 * people / voters_early if voters_early else 0.0
    sd = residual_sd if residual_sd is not None else 2.0
    detectable = None
    if early >= 2 and late >= 2 and share > 0:
        need = stats.reach_needed(
            residual_sd=sd, voters_per_kelurahan=mean_voters, kelurahan=early, comparison=late
        )
        detectable = need.share * stats.LITERATURE_EFFECT / share  # votes per person reached
    return PlanPreview(
        eligible=eligible,
        early=early,
        late=late,
        voters_early=voters_early,
        people=people,
        share=share,
        detectable=detectable,
        residual_sd=sd,
    )


@dataclass(frozen=True)
class DrawnPlan:
    plan: StaggeredPlan
    early: list[str]  # kelurahan names
    late: list[str]


def staggered_plan(*, programme: Programme) -> DrawnPlan | None:
    plan = StaggeredPlan.objects.filter(programme=programme).first()
    if plan is None:
        return None
    rows = plan.assignments.select_related("region").order_by("block", "region_id")
    return DrawnPlan(
        plan=plan,
        early=[r.region.name for r in rows if not r.late],
        late=[r.region.name for r in rows if r.late],
    )
