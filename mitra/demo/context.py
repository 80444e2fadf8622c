"""What the demo steps share while they build the synthetic programme."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import OutputWrapper

from mitra.regions.models import Region, RegionLevel

DEMO_SEED = 20241127
DEMO_PASSWORD = "MitraDemo2024!"  # noqa: S105 — printed for the demo; never used outside it
DEMO_OFFICE_SLUG = "kpu-kota-bandung"
BANDUNG = "32.73"


@dataclass
class DemoContext:
    """State handed from one step to the next; `rng` makes every run the same."""

    stdout: OutputWrapper | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(DEMO_SEED))
    objects: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)

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
