"""Drop cached pages when what they show changes: the home page (see core.views.home)
here, the analytics dashboard in `figure_cache`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _changed(**_kwargs: Any) -> None:
    from .views import home_cache_clear

    # Now, and again after the commit: a visitor may cache the old page in between.
    home_cache_clear()
    transaction.on_commit(home_cache_clear)


def connect() -> None:
    from . import figure_cache

    figure_cache.connect()
    for sender in (
        "portal.Article",
        "activities.Activity",
        "activities.Approach",  # the home page's activities show their approach
        "elections.Stage",
        "offices.Office",  # branding and contacts in the header and footer
    ):
        post_save.connect(_changed, sender=sender, dispatch_uid=f"home-cache-save-{sender}")
        post_delete.connect(_changed, sender=sender, dispatch_uid=f"home-cache-delete-{sender}")
