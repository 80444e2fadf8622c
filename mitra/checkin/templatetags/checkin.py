"""`{% load checkin %}{% attendance_reconciliation activity as rec %}` for report pages."""

from __future__ import annotations

from typing import Any

from django import template

from mitra.activities.models import Activity
from mitra.checkin.selectors import attendance_reconciliation as _reconciliation

register = template.Library()


@register.simple_tag
def attendance_reconciliation(activity: Activity) -> dict[str, Any]:
    return _reconciliation(activity)
