"""Pure arithmetic of the dashboard: pace against a target and the gap score.

Kept free of the database so the rules can be read (and tested) on small numbers; the
formulas are explained in docs/analytics.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from mitra.core.numbers import Kind, figure

# Turnout weight bounds: an area with half the city's abstention counts half, with twice
# the abstention counts double; never more, so one outlier cannot swamp the ranking.
TURNOUT_WEIGHT_MIN = 0.5
TURNOUT_WEIGHT_MAX = 2.0

# A segment's share of all voters (%) when the voter list does not count it and the office
# has set no estimate of its own (Segment.voter_share). Rough defaults, shown as such
# beside every gap that uses them, meant to be replaced by the office's own figures.
# First-time voters and women normally come from the voter list itself.
DEFAULT_SHARES: dict[str, float] = {
    "pemula": 7.0,
    "muda": 20.0,
    "perempuan": 50.0,
    "keluarga": 10.0,
    "disabilitas": 1.0,
    "berkebutuhan-khusus": 1.0,
    "marjinal": 5.0,
    "komunitas": 10.0,
    "keagamaan": 10.0,
    "warganet": 20.0,
}
DEFAULT_SHARE = 10.0  # for a segment code not listed above


def expected_share(*, start: datetime.date, end: datetime.date, today: datetime.date) -> float:
    """Share of the programme period [start, end] that has elapsed by `today` (0…1)."""
    total = (end - start).days
    if total <= 0:
        return 1.0 if today >= end else 0.0
    return min(1.0, max(0.0, (today - start).days / total))


@dataclass(frozen=True)
class Pace:
    actual: int
    target: int
    expected: float  # share of the target that should be done by now
    days_left: int

    @property
    def progress(self) -> float:
        return self.actual / self.target if self.target else 1.0

    @property
    def on_track(self) -> bool:
        """On track when the share done is at least the share of time elapsed."""
        return self.progress >= self.expected

    @property
    def expected_value(self) -> int:
        return int(figure(self.target * self.expected, Kind.COUNT))

    @property
    def needed_per_week(self) -> float | None:
        """What is left, spread over the weeks left (None after voting day)."""
        if self.days_left <= 0:
            return None
        remaining = max(0, self.target - self.actual)
        return remaining / max(self.days_left / 7, 1 / 7)


def turnout_weight(*, area_turnout: float | None, city_turnout: float | None) -> float:
    """Low past turnout weighs more: the area's abstention relative to the city's.

    1.0 when either turnout is unknown (no evidence either way).
    """
    if area_turnout is None or city_turnout is None or city_turnout >= 1:
        return 1.0
    weight = (1 - area_turnout) / (1 - city_turnout)
    return min(TURNOUT_WEIGHT_MAX, max(TURNOUT_WEIGHT_MIN, weight))


def segment_voters(*, area_voters: int, share_percent: float) -> int:
    """An estimate of a segment's voters in an area: its share of all the area's voters."""
    return int(figure(area_voters * share_percent / 100, Kind.COUNT))


def coverage_factor(*, voters: int, reached: int) -> float:
    """1 with nobody reached, 1/2 at one person per 1,000 voters, 1/11 at ten per 1,000."""
    if voters <= 0:
        return 0.0
    return 1 / (1 + 1000 * reached / voters)


def gap_score(
    *,
    voters: int,
    reached: int,
    area_turnout: float | None,
    city_turnout: float | None,
) -> float:
    """score = segment voters/1000 × coverage × turnout weight (rounded as scores are).

    `voters` are the segment's own voters in the area (counted or estimated), so segments
    are weighed alike. Time left is not a factor: a factor common to every gap of a day
    changes no ranking, and would only make every score grow as voting day nears."""
    score = (
        voters
        / 1000
        * coverage_factor(voters=voters, reached=reached)
        * turnout_weight(area_turnout=area_turnout, city_turnout=city_turnout)
    )
    return float(figure(score, Kind.SCORE))
