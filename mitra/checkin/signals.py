"""An activity gets its check-in point (the poster's random token) when it reaches approved
or any later state, in the same transaction as the status change — so no page has to create
one when it is first read. activities sits below checkin and cannot call it: this app
listens to the activity's saves instead (docs/architecture.md). Bulk writers that skip
`save()` (the demo builder) create their points themselves."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from mitra.activities.models import Activity

from .services import CHECKIN_STATUSES, checkin_point_ensure


def _activity_saved(sender: Any, instance: Activity, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.status not in CHECKIN_STATUSES:
        return
    fields = kwargs.get("update_fields")
    if fields is not None and "status" not in fields and not kwargs.get("created"):
        return  # a save that did not touch the status cannot have reached approved now
    checkin_point_ensure(activity=instance)


def connect() -> None:
    post_save.connect(_activity_saved, sender=Activity, dispatch_uid="checkin-point-on-approval")
