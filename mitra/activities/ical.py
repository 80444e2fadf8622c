"""An iCalendar (RFC 5545) feed written by hand: VCALENDAR with one VEVENT per activity."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from mitra.core.links import absolute_url
from mitra.offices.models import Office

from .models import Activity


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 character."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def ical_feed(*, office: Office, activities: Iterable[Activity], root: str = "") -> str:
    """One VEVENT per activity; its URL is the activity's public page on the portal.
    `root`: the view's `site_root(request)` (else SITE_URL)."""
    site = absolute_url("", root=root)
    host = site.split("://", 1)[-1].split("/", 1)[0] or "mitra-pemilu"
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Mitra Pemilu//Kegiatan//ID",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(f'Kegiatan {office.display_name}')}",
        "X-WR-TIMEZONE:Asia/Jakarta",
    ]
    for a in activities:
        place = a.venue
        if a.kelurahan_id and a.kelurahan:
            place = ", ".join(p for p in (a.venue, a.kelurahan.name) if p)
        if a.is_online:
            place = a.online_url or "Daring"
        summary = f"{a.organiser_name} · {a.method.name}. {a.description}".strip()
        lines += [
            "BEGIN:VEVENT",
            f"UID:kegiatan-{a.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(a.starts_at)}",
            f"DTEND:{_utc(a.ends_at)}",
            f"SUMMARY:{_escape(a.title)}",
            f"DESCRIPTION:{_escape(summary)}",
            f"URL:{site}{reverse('portal:activity', args=[a.pk])}",
        ]
        if place:
            lines.append(f"LOCATION:{_escape(place)}")
        if a.lat is not None and a.lng is not None:
            lines.append(f"GEO:{a.lat:.6f};{a.lng:.6f}")
        lines += ["STATUS:CONFIRMED", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
