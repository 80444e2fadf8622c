"""The public summary: the figures the public site shows, small cells hidden."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
)
from django.utils.translation import gettext as _

from mitra.activities import selectors as activity_selectors
from mitra.activities.models import Activity
from mitra.activities.selectors import ActivityFilters
from mitra.elections.models import Programme, Theme
from mitra.elections.selectors import current_programme
from mitra.offices.models import Office

from .areas import office_areas
from .dashboard import _suppressed
from .scope import complementary, protected, suppress
from .trend import reach_sum

# --- Public summary -----------------------------------------------------------------------


@dataclass
class SummaryRow:
    code: str
    name: str
    activities: int
    reach: int | str
    by_theme: dict[int, tuple[int, int | str]]
    cells: list[tuple[int, int | str]] = field(default_factory=list)


@dataclass
class PublicSummary:
    programme: Programme
    themes: list[Theme]
    rows: list[SummaryRow]
    total_activities: int
    total_reach: int | str
    threshold: int
    # The whole programme per approach (whatever `approach` narrows the table to).
    by_approach: list[dict[str, Any]] = field(default_factory=list)
    approach: str = ""  # the approach the kecamatan table is narrowed to (a code, "other")
    online: SummaryRow | None = None  # activities online or without a kelurahan

    @property
    def all_rows(self) -> list[SummaryRow]:
        """The kecamatan rows and the online one: together they add up to the totals."""
        return [*self.rows, *([self.online] if self.online else [])]


def public_summary(
    *, office: Office, threshold: int | None = None, approach: str = ""
) -> PublicSummary | None:
    """Verified activities and people reached per kecamatan and theme, small cells hidden;
    per approach of the programme. `approach` (a code, or "other") narrows the table."""
    programme = current_programme(office=office)
    if programme is None:
        return None
    threshold = office.small_cell_threshold if threshold is None else threshold
    af = ActivityFilters(
        programme_id=programme.pk,
        **activity_selectors.approach_filter_fields(programme=programme, code=approach),
    )
    counted = activity_selectors.counted_activities(office=office, filters=af)
    area_groups = [
        {"id": r["kelurahan__parent_id"], "activities": r["activities"], "attendance": r["reach"]}
        for r in counted.values("kelurahan__parent_id")
        .annotate(activities=Count("pk"), reach=reach_sum(office))
        .order_by()
    ]
    per_area = {r["id"]: r for r in area_groups}
    per_theme: dict[str | None, dict[int, tuple[int, int]]] = defaultdict(dict)
    for r in (
        Activity.themes.through.objects.filter(activity_id__in=counted.values("pk"))
        .values("activity__kelurahan__parent_id", "theme_id")
        .annotate(n=Count("activity_id"), reach=reach_sum(office, through=True))
    ):
        per_theme[r["activity__kelurahan__parent_id"]][r["theme_id"]] = (r["n"], r["reach"])
    themes = list(Theme.objects.filter(programme=programme).order_by("order", "pk"))
    # Every counted activity is in exactly one group (a kecamatan, or the group of those
    # without a kelurahan, the online row): the totals are the groups' sums, as
    # `reach_totals` counts them, and the rows add up to them.
    groups: list[tuple[str, str, str | None]] = [
        (region.code, region.name, region.code)
        for region in office_areas(office=office, level="kecamatan")
    ]
    groups.append(("", _("Daring / tanpa kelurahan"), None))
    reach = [int(per_area.get(key, {}).get("attendance", 0)) for _c, _n, key in groups]
    hidden = complementary(reach, threshold)
    rows = []
    for i, (code, name, key) in enumerate(groups):
        by_theme = per_theme.get(key, {})
        cells = [by_theme.get(t.pk, (0, 0)) for t in themes]
        # A row's theme cells may add up to its total (activities with one theme each).
        hidden_cells = complementary([people for _n, people in cells], threshold)
        shown_cells: list[tuple[int, int | str]] = [
            (n, protected(people, j in hidden_cells, threshold) if threshold else people)
            for j, (n, people) in enumerate(cells)
        ]
        rows.append(
            SummaryRow(
                code=code,
                name=name,
                activities=int(per_area.get(key, {}).get("activities", 0)),
                reach=protected(reach[i], i in hidden, threshold) if threshold else reach[i],
                by_theme={t.pk: cell for t, cell in zip(themes, shown_cells, strict=True)},
                cells=shown_cells,
            )
        )
    return PublicSummary(
        programme=programme,
        themes=themes,
        rows=rows[:-1],
        total_activities=sum(r["activities"] for r in area_groups),
        total_reach=suppress(sum(r["attendance"] for r in area_groups), threshold) or 0,
        threshold=threshold,
        by_approach=_suppressed(
            activity_selectors.reach_by_approach(office=office, programme=programme), threshold
        ),
        approach=approach,
        online=rows[-1],
    )
