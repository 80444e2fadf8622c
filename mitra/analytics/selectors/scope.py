"""Who may read the figures, how small cells are hidden, and the dashboard's filters."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right
from mitra.activities import selectors as activity_selectors
from mitra.activities.selectors import ActivityFilters
from mitra.core.errors import PermissionDeniedError
from mitra.elections.models import Programme
from mitra.offices.models import Office
from mitra.regions.models import RegionLevel

LEVELS = {"kecamatan": RegionLevel.KECAMATAN, "kelurahan": RegionLevel.KELURAHAN}

# --- Access -------------------------------------------------------------------------------


def require_dashboard(membership: Membership | None) -> Membership:
    """Staff, admins and observers see the office dashboard; coordinators do not."""
    if membership is None or not has_right(membership, Right.VIEW_DASHBOARD):
        raise PermissionDeniedError(
            _("Dasbor hanya untuk staf KPU dan pemantau."), code="permission_denied"
        )
    return membership


def small_cell_threshold(*, membership: Membership | None, office: Office) -> int:
    """Cells below this are hidden: 0 for people who may see personal data, else the office's."""
    if membership is not None and has_right(membership, Right.VIEW_PERSONAL_DATA):
        return 0
    return int(office.small_cell_threshold or 0)


def suppress(value: int | None, threshold: int) -> int | str | None:
    """A people count as shown: "<5" when 0 < value < threshold (0 and None stay as they are)."""
    if value is None or threshold <= 0 or value == 0 or value >= threshold:
        return value
    return f"<{threshold}"


# What stands in for a figure hidden to protect a small cell: a rate or share computed
# from a hidden count, or a cell hidden only so that a shown total minus the shown cells
# does not give a hidden one away (complementary suppression).
HIDDEN = "*"


def complementary(values: list[int], threshold: int) -> set[int]:
    """Which cells of a group whose total is shown must be hidden: every small one
    (0 < value < threshold) and, when that is a single cell, also the smallest other
    non-zero cell, so that the total minus the shown cells gives only a sum of two."""
    if threshold <= 0:
        return set()
    hidden = {i for i, v in enumerate(values) if 0 < v < threshold}
    if len(hidden) == 1:
        others = sorted((v, i) for i, v in enumerate(values) if i not in hidden and v > 0)
        if others:
            hidden.add(others[0][1])
    return hidden


def protected(value: int, hidden: bool, threshold: int) -> int | str:
    """A people count of a protected group: "<5" when small, "*" when hidden only to
    protect another cell, else the count."""
    if not hidden:
        return value
    return suppress(value, threshold) if 0 < value < threshold else HIDDEN  # type: ignore[return-value]


# --- Filters ------------------------------------------------------------------------------


@dataclass
class DashboardFilters:
    election_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    segment_id: int | None = None
    theme_id: int | None = None
    level: str = "kecamatan"  # a key of LEVELS; anything else reads as "kecamatan"
    measure: str = "reach"  # "reach" per 1,000 voters | "activities" per 10,000 voters
    approach_id: int | None = None  # an approach of the programme (its methods)
    approach_other: bool = False  # methods in no approach ("other")

    def __post_init__(self) -> None:
        # Clamped once here, so every reader of `level` may index LEVELS with it.
        if self.level not in LEVELS:
            self.level = "kecamatan"

    def activity_filters(self, programme: Programme) -> ActivityFilters:
        return ActivityFilters(
            programme_id=programme.pk,
            election_id=self.election_id,
            segment_id=self.segment_id,
            theme_id=self.theme_id,
            date_from=self.date_from,
            date_to=self.date_to,
            approach_id=self.approach_id,
            approach_other=self.approach_other,
            verified_by=self.date_to,  # a replay counts what was verified by then
        )

    def as_query(self) -> dict[str, str]:
        query = {
            "election": self.election_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "segment": self.segment_id,
            "theme": self.theme_id,
            "level": self.level if self.level != "kecamatan" else None,
            "measure": self.measure if self.measure != "reach" else None,
            "approach": activity_selectors.OTHER_APPROACH
            if self.approach_other
            else self.approach_id,
        }
        return {k: str(v) for k, v in query.items() if v}


def reference_day(
    *, filters: DashboardFilters, today: datetime.date | None = None
) -> datetime.date:
    """The day figures are read "as of": the end of the date filter, else today."""
    today = today or timezone.localdate()
    return min(filters.date_to, today) if filters.date_to else today
