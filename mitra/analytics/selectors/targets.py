"""Targets and pace: each target's progress against the time gone, deliverables."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from mitra.accounts.models import Membership
from mitra.analytics import scoring
from mitra.analytics.models import Target, TargetMetric
from mitra.elections.models import Programme
from mitra.offices.models import Office
from mitra.partners.models import Deliverable, DeliverableMetric

from .denominators import programme_turnout
from .scope import DashboardFilters, reference_day

# --- Targets and pace ---------------------------------------------------------------------


@dataclass
class TargetRow:
    target: Target
    label: str
    actual: int | float | None  # None: not measurable yet (turnout before the results)
    value: int
    pace: scoring.Pace | None
    unit: str = ""


def office_target(*, membership: Membership, pk: int) -> Target | None:
    """One target of the member's office (None for another office's: 404, nothing revealed)."""
    return (
        Target.objects.select_related("segment", "theme", "approach", "programme")
        .filter(office_id=membership.office_id, pk=pk)
        .first()
    )


def _target_label(target: Target) -> str:
    parts = [target.get_metric_display()]
    if target.segment_id and target.segment:
        parts.append(target.segment.name)
    if target.theme_id and target.theme:
        parts.append(target.theme.name)
    if target.approach_id and target.approach:
        parts.append(target.approach.label)
    return " · ".join(parts)


@dataclass
class ActivityFacts:
    """The counted (verified) activities of a programme as plain facts, read once by the
    dashboard, so many targets and deliverables are measured without one query set each."""

    attendance: dict[int, int]
    kelurahan: dict[int, str | None]
    partner: dict[int, int | None]
    segments: dict[int, set[int]]
    themes: dict[int, set[int]]
    approach: dict[int, int | None] = field(default_factory=dict)  # None: "other"

    def matching(
        self,
        *,
        segment_id: int | None = None,
        theme_id: int | None = None,
        partners: set[int] | None = None,
        approach_id: int | None = None,
    ) -> list[int]:
        return [
            pk
            for pk in self.attendance
            if (segment_id is None or segment_id in self.segments.get(pk, ()))
            and (theme_id is None or theme_id in self.themes.get(pk, ()))
            and (partners is None or self.partner[pk] in partners)
            and (approach_id is None or self.approach.get(pk) == approach_id)
        ]


def target_rows(
    *,
    programme: Programme,
    filters: DashboardFilters,
    facts: ActivityFacts,
    start: datetime.date,
    kelurahan_total: int,
    today: datetime.date | None = None,
) -> list[TargetRow]:
    """Each target with what is done, what should be done by now, and on track or behind.

    `facts`: the counted activities under the targets' filter (see `dashboard`); `start`:
    the programme's start; `kelurahan_total`: the office's kelurahan (see `_dashboard_counts`).
    """
    as_of = reference_day(filters=filters, today=today)
    expected = scoring.expected_share(start=start, end=programme.voting_day, today=as_of)
    days_left = (programme.voting_day - as_of).days
    targets = list(
        Target.objects.filter(programme=programme).select_related("segment", "theme", "approach")
    )
    if not targets:
        return []
    rows = []
    for target in targets:
        ids = facts.matching(
            segment_id=target.segment_id,
            theme_id=target.theme_id,
            approach_id=target.approach_id,
        )
        actual: int | float | None
        value = target.value
        unit = ""
        if target.metric == TargetMetric.TURNOUT:
            # Measured after voting day, from the official results (None until imported).
            actual, unit = programme_turnout(programme=programme), "%"
        elif target.metric == TargetMetric.ACTIVITIES_PER_KELURAHAN:
            # Progress: kelurahan that have at least `value` activities, of all kelurahan.
            per_kel: dict[str, int] = defaultdict(int)
            for pk in ids:
                if facts.kelurahan[pk]:
                    per_kel[str(facts.kelurahan[pk])] += 1
            actual = sum(1 for n in per_kel.values() if n >= target.value)
            value = kelurahan_total
            unit = _("kelurahan")
        elif target.metric == TargetMetric.REACH:
            actual, unit = sum(facts.attendance[pk] for pk in ids), _("orang")
        else:
            actual, unit = len(ids), npgettext("count", "kegiatan", "kegiatan", value)
        pace = (
            scoring.Pace(actual=int(actual), target=value, expected=expected, days_left=days_left)
            if actual is not None and target.metric != TargetMetric.TURNOUT
            else None
        )
        rows.append(
            TargetRow(
                target=target,
                label=_target_label(target),
                actual=actual,
                value=value,
                pace=pace,
                unit=unit,
            )
        )
    return rows


@dataclass
class DeliverableRollup:
    metric: str
    metric_label: str
    theme: str
    segment: str
    partners: int
    target: int
    done: int


def deliverable_rollup(
    *,
    office: Office,
    programme: Programme,
    facts: ActivityFacts,
    start: datetime.date,
    posts: dict[int, int],
) -> list[DeliverableRollup]:
    """Partner deliverables of the agreements in force during the programme, summed per
    metric/theme/segment, with the verified work of those partners towards them.

    `facts` as for `target_rows`; `posts`: online posts per activity of `facts`."""
    deliverables = list(
        Deliverable.objects.filter(
            agreement__office_id=office.pk,
            agreement__valid_until__gte=start,
            agreement__valid_from__lte=programme.voting_day,
        ).values_list(
            "metric",
            "theme_id",
            "theme__name",
            "segment_id",
            "segment__name",
            "agreement__partner_id",
            "target",
        )
    )
    if not deliverables:
        return []
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for metric, theme_id, theme, segment_id, segment, partner_id, target in deliverables:
        group = groups.setdefault(
            (metric, theme_id, segment_id), [theme or "", segment or "", set(), 0]
        )
        group[2].add(partner_id)
        group[3] += target
    labels = dict(DeliverableMetric.choices)
    rows = []
    for (metric, theme_id, segment_id), (theme, segment, partners, target) in sorted(
        groups.items(), key=lambda item: (item[0][0], item[0][1] or 0, item[0][2] or 0)
    ):
        ids = facts.matching(segment_id=segment_id, theme_id=theme_id, partners=partners)
        if metric == DeliverableMetric.REACH:
            done = sum(facts.attendance[pk] for pk in ids)
        elif metric == DeliverableMetric.POSTS:
            done = sum(posts.get(pk, 0) for pk in ids)
        else:
            done = len(ids)
        rows.append(
            DeliverableRollup(
                metric=metric,
                metric_label=str(labels.get(metric, metric)),
                theme=theme,
                segment=segment,
                partners=len(partners),
                target=target,
                done=done,
            )
        )
    return rows
