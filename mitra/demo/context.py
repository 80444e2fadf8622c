"""What the demo steps share while they build the synthetic programme."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import OutputWrapper
from django.utils import timezone

from mitra.regions.models import Region, RegionLevel

DEMO_SEED = 20241127
DEMO_PASSWORD = "MitraDemo2024!"  # noqa: S105 — printed for the demo; never used outside it
DEMO_OFFICE_SLUG = "kpu-kota-bandung"
BANDUNG = "32.73"
# The live (simulated) programme's voting day, counted from the day the demo is built.
LIVE_DAYS_TO_VOTE = 42


@dataclass
class DemoContext:
    """State handed from one step to the next; `rng` makes every run the same.

    `today` is the day the demo is built for (default: the office's today): the finished
    2024 programme does not depend on it; the live programme is laid out around it, with
    its own generator seeded by the date (`live_rng`), so a given day always gives the same
    demo and the 2024 figures never move.
    """

    stdout: OutputWrapper | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(DEMO_SEED))
    objects: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)
    today: datetime.date = field(default_factory=timezone.localdate)
    live_rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.live_rng = random.Random(f"{DEMO_SEED}:{self.today.isoformat()}")

    @property
    def live_voting_day(self) -> datetime.date:
        return self.today + datetime.timedelta(days=LIVE_DAYS_TO_VOTE)

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        """An aware time on `day` in the office's time zone."""
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


def kelurahan_by_city(city_codes: Iterable[str | None]) -> dict[str, list[str]]:
    """The kelurahan codes of each city or regency (its 5-character code, e.g. "32.73"),
    in code order: where the national steps place their synthetic rows."""
    kelurahan: dict[str, list[str]] = {}
    for code in (
        Region.objects.filter(level=RegionLevel.KELURAHAN, parent__parent_id__in=set(city_codes))
        .order_by("code")
        .values_list("code", flat=True)
    ):
        kelurahan.setdefault(code[:5], []).append(code)
    return kelurahan
