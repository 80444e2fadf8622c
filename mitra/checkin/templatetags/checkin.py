"""`{% load checkin %}`: `{% attendance_reconciliation activity as rec %}` for report pages;
`{% public_registration activity %}` for the public activity page (portal sits beside
checkin and does not import it: its template loads this library instead)."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils.timezone import now

from mitra.activities.models import Activity
from mitra.checkin.forms import RegistrationForm
from mitra.checkin.selectors import attendance_reconciliation as _reconciliation
from mitra.checkin.selectors import public_registration_state
from mitra.core.pagecache import holds_until

register = template.Library()


@register.simple_tag
def attendance_reconciliation(activity: Activity) -> dict[str, Any]:
    return _reconciliation(activity)


@register.inclusion_tag("checkin/_public_registration.html", takes_context=True)
def public_registration(context: template.Context, activity: Activity) -> dict[str, Any]:
    """Seats left, the waiting list and the registration form (posting to this app's
    registration), and the self check-in link while its window is open."""
    state = public_registration_state(activity=activity)
    open_ = state is not None and state.registration_open
    if state is not None and (state.registration or state.point.self_checkin):
        # What shows changes by itself when the window opens or closes: a cached copy of
        # the page (portal's, for visitors) is not served past the next of those times.
        opens, closes = state.point.window()  # open from `opens` through `closes`
        later = [t for t in (opens, closes + datetime.timedelta(microseconds=1)) if t > now()]
        if later:
            holds_until(context.get("request"), min(later))
    return {
        "activity": activity,
        "registration": state,
        "form": RegistrationForm() if open_ else None,
        "csrf_token": context.get("csrf_token"),
    }
