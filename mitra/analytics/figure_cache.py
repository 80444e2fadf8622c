"""The dashboard, computed once per change of what it shows and kept until the next one.

Every office has a generation token in the shared cache; any write to a record the
dashboard reads (activities, reports, posts, check-ins, partners, agreements, targets,
voter counts, the programme's elections, stages, themes and segments, the office itself)
replaces its office's token, and a write to what all offices share (regions, their
boundaries) replaces the global token. Cached pages are keyed by both tokens, so a write
makes every earlier copy unreachable at once: nothing is ever served from before it.

Bulk writes skip the model signals, so the services that use them say so: apps below
analytics send `mitra.core.signals.bulk_written` (regions and boundaries, the partner
import), analytics and above call `figures_changed` (voter counts, results). `connect` is
called from `AnalyticsConfig.ready`.

The reading side (the tokens, `cached`, `cached_value`) is `mitra.core.office_cache`, so
that apps below analytics use it too: the staff lists keep their drop-down options there
(the (id, name) rows of the office's partners, methods, themes, segments, categories and
kecamatan) and follow this invalidation instead of a second one.

On only with a cache that every server process shares (Redis): `ANALYTICS_CACHE_SECONDS`
(default 900 with Redis, 0 without, which computes every page afresh). The lifetime bounds
what a lost invalidation (the cache unreachable during a write) could leave behind.
"""

from __future__ import annotations

import logging
import operator
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from mitra.core.office_cache import (  # the reading side, shared with the lower apps
    GLOBAL,
    cache_seconds,
    cached,
    cached_located,
    cached_value,
    enabled,
    forget_read_tokens,
    generation,
    generation_key,
)

__all__ = [
    "cache_seconds",
    "cached",
    "cached_located",
    "cached_value",
    "connect",
    "enabled",
    "figures_changed",
    "generation",
]

logger = logging.getLogger(__name__)


# Where each model keeps its office (the models that have `office_id` need no entry).
_OFFICE_OF: dict[str, Callable[[Any], int]] = {
    "offices.Office": operator.attrgetter("pk"),
    "activities.Report": operator.attrgetter("activity.office_id"),
    "activities.OnlinePost": operator.attrgetter("activity.office_id"),
    "elections.Stage": operator.attrgetter("election.office_id"),
    "elections.Theme": operator.attrgetter("programme.office_id"),
    "partners.Deliverable": operator.attrgetter("agreement.office_id"),
}
# The records the dashboard reads, per office; regions are shared by all offices.
OFFICE_MODELS = (
    "offices.Office",
    "activities.Activity",
    "activities.Method",
    "activities.Approach",  # saved by every change of an approach or its methods
    "activities.Report",
    "activities.OnlinePost",
    "checkin.CheckIn",
    "checkin.CheckinPoint",  # the public activity page: capacity, windows
    "checkin.Registration",  # …and its seats left and waiting list
    "partners.Partner",
    "partners.PartnerCategory",  # the staff lists' drop-down options (`cached_value`)
    "partners.Agreement",
    "partners.Deliverable",
    "elections.Programme",
    "elections.Election",
    "elections.Stage",
    "elections.Theme",
    "elections.Segment",
    "analytics.Target",
)  # voter counts and past turnout are written only in bulk: their import calls us
GLOBAL_MODELS = ("regions.Region",)


def _replace_generation(scope: int | str) -> None:
    forget_read_tokens()
    try:
        cache.set(generation_key(scope), uuid.uuid4().hex, timeout=None)
    except Exception:  # a cache outage must not fail the write; copies expire on their own
        logger.exception("could not forget the cached figures of %s", scope)


def figures_changed(office_id: int | None) -> None:
    """Forget the office's cached figures (None: every office's), now and after the commit:
    a page computed in between from the old rows is then unreachable too."""
    if not enabled():
        return
    scope: int | str = GLOBAL if office_id is None else office_id
    _replace_generation(scope)
    transaction.on_commit(lambda: _replace_generation(scope))


def _office_of(instance: Any) -> int | None:
    label = instance._meta.label
    try:
        if label in _OFFICE_OF:
            return int(_OFFICE_OF[label](instance))
        return int(instance.office_id)
    except (ObjectDoesNotExist, AttributeError, TypeError):
        return None  # not traceable (e.g. a parent already gone): forget every office's


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not enabled() or kwargs.get("raw"):  # fixtures loading
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed fires before and after a change: the "post_" call is enough
    if sender._meta.label in GLOBAL_MODELS:
        figures_changed(None)
    else:
        figures_changed(_office_of(instance))


def _bulk_written(sender: Any, office_id: int | None = None, **_kwargs: Any) -> None:
    figures_changed(office_id)


def connect() -> None:
    from django.apps import apps

    from mitra.core.signals import bulk_written

    bulk_written.connect(_bulk_written, dispatch_uid="analytics-figures-bulk")
    for label in (*OFFICE_MODELS, *GLOBAL_MODELS):
        model = apps.get_model(label)
        uid = f"analytics-figures-{label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    # Relations set after the row's save (the staff lists show a partner's segments and
    # areas; a change of them alone saves no partner row).
    for label, relations in (
        ("activities.Activity", ("segments", "themes", "elections")),
        ("partners.Partner", ("segments", "areas")),
    ):
        model = apps.get_model(label)
        for relation in relations:
            m2m_changed.connect(
                _changed,
                sender=getattr(model, relation).through,
                dispatch_uid=f"analytics-figures-{label}-{relation}",
            )
