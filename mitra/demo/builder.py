"""Builds the synthetic demo programme, step by step, each step in its own app.

Every app that has demo data exposes `build(ctx)` (city scale) and, where it matters for
benchmarks, `build_national(ctx)` in its `demo.py`; the order below is the order of
dependencies.
"""

from __future__ import annotations

import datetime
import importlib
import time
from collections.abc import Callable

from django.db import transaction

from mitra.analytics import figure_cache
from mitra.offices.models import Office

from .context import DEMO_OFFICE_SLUG, DemoContext

STEPS = [
    "mitra.elections.demo",
    "mitra.partners.demo",
    "mitra.accounts.demo",
    "mitra.analytics.demo",
    "mitra.activities.demo",
    "mitra.checkin.demo",
    "mitra.portal.demo",
    "mitra.evaluation.demo",
]


def demo_exists() -> bool:
    return Office.objects.filter(slug=DEMO_OFFICE_SLUG).exists()


def live_programme_day() -> datetime.date | None:
    """The voting day of the demo's live programme as it was built (None: no demo)."""
    from mitra.elections.demo import LIVE_SLUG
    from mitra.elections.models import Programme

    return (
        Programme.objects.filter(office__slug=DEMO_OFFICE_SLUG, slug=LIVE_SLUG)
        .values_list("voting_day", flat=True)
        .first()
    )


def _run(ctx: DemoContext, function_name: str) -> None:
    for module_name in STEPS:
        module = importlib.import_module(module_name)
        step: Callable[[DemoContext], None] | None = getattr(module, function_name, None)
        if step is None:
            continue
        started = time.monotonic()
        step(ctx)
        ctx.say(f"  {module_name.split('.')[1]:<11} {time.monotonic() - started:6.1f} s")
    figure_cache.figures_changed(None)  # the steps write in bulk, without model signals


@transaction.atomic
def demo_build(ctx: DemoContext, *, rebuild: bool = False) -> bool:
    """Build the city demo; returns False when it was already there and left as it is."""
    if demo_exists():
        if not rebuild:
            return False
        Office.objects.filter(slug=DEMO_OFFICE_SLUG).delete()
    _run(ctx, "build")
    return True


def demo_build_national(ctx: DemoContext) -> None:
    """A large data set for benchmarks: about 500 offices with their partners and activities."""
    _run(ctx, "build_national")
