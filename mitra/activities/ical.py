"""iCalendar (RFC 5545) files of public activities, written with the `icalendar` library:
one VCALENDAR with a VEVENT per activity (the agenda's feed, or one activity's event)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from mitra.core.links import absolute_url
from mitra.offices.models import Office

from .models import Activity

if TYPE_CHECKING:
    import icalendar


def _place(activity: Activity) -> str:
    if activity.is_online:
        return activity.online_url or "Daring"
    parts = [activity.venue]
    if activity.kelurahan_id and activity.kelurahan:
        parts.append(activity.kelurahan.name)
    return ", ".join(p for p in parts if p)


def _event(activity: Activity, *, host: str, root: str) -> icalendar.Event:
    import icalendar

    event = icalendar.Event()
    event.add("uid", f"kegiatan-{activity.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", activity.starts_at)
    event.add("dtend", activity.ends_at)
    event.add("summary", activity.title)
    method = activity.method.display_name if activity.method_id else ""
    description = " · ".join(p for p in (activity.organiser_name, method) if p)
    if activity.description:
        description = f"{description}. {activity.description}"
    event.add("description", description)
    event.add("url", absolute_url(reverse("portal:activity", args=[activity.pk]), root=root))
    place = _place(activity)
    if place:
        event.add("location", place)
    if activity.lat is not None and activity.lng is not None:
        event.add("geo", (float(activity.lat), float(activity.lng)))
    event.add("status", "CANCELLED" if activity.status == "cancelled" else "CONFIRMED")
    return event


def ical_feed(
    *,
    office: Office,
    activities: Iterable[Activity],
    name: str = "",
    root: str = "",
) -> str:
    """The calendar of `activities`; each event's URL is the activity's public page.
    `root`: the view's `site_root(request)` (else SITE_URL).

    The library is imported here, not with the module: it costs every worker's start
    (the URL configuration imports this module) for a file few people fetch."""
    import icalendar

    host = absolute_url("/", root=root).split("://", 1)[-1].split("/", 1)[0] or "mitra-pemilu"
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Mitra Pemilu//Kegiatan//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name or f"Kegiatan {office.display_name}")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for activity in activities:
        calendar.add_component(_event(activity, host=host, root=root))
    return calendar.to_ical().decode()
