from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _programme_created(*, instance: Any, created: bool, raw: bool = False, **_kw: Any) -> None:
    """A new programme starts with the commission's four approaches (see
    `services.approaches_seed`); fixtures loaded raw bring their own rows."""
    if created and not raw:
        from .services import approaches_seed

        approaches_seed(programme=instance)


def _programme_copied(*, source: Any, copy: Any, **_kw: Any) -> None:
    """A programme copied from another office's brings its methods and approaches."""
    from .services import programme_methods_copy

    programme_methods_copy(source=source, copy=copy)


class ActivitiesConfig(AppConfig):
    name = "mitra.activities"
    label = "activities"

    def ready(self) -> None:
        # elections sits below activities: this app registers itself (docs/architecture.md).
        from django.db.models.signals import post_save

        from mitra.elections.signals import programme_copied

        from . import personal_data  # noqa: F401  (declares its personal data)

        post_save.connect(
            _programme_created, sender="elections.Programme", dispatch_uid="programme-approaches"
        )
        programme_copied.connect(_programme_copied, dispatch_uid="programme-copied-methods")
