"""Areas held back from the recommendations for a while, as a higher app decides.

The evaluation app (above analytics) registers a provider in its `AppConfig.ready`: a
programme with a staggered-priority design keeps its "late" kelurahan out of the gaps
until the set date (docs/evaluation.md). Analytics only asks; it never imports that app.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

Provider = Callable[[int, datetime.date], set[str]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def held_back(*, programme_id: int, day: datetime.date) -> set[str]:
    """Kelurahan codes that get no partner priority on `day` for that programme."""
    codes: set[str] = set()
    for provider in _providers:
        codes |= provider(programme_id, day)
    return codes
