"""Exports of attendance: one row iterator, rendered to CSV and XLSX (`core.exporters`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right
from mitra.activities.models import Activity
from mitra.core.exporters import Exporter

from .models import CheckIn


class AttendanceExporter(Exporter):
    """Check-ins of activities; names and contacts only for holders of VIEW_PERSONAL_DATA;
    age band and disability (a specific category: children's and health data) only for
    holders of VIEW_SENSITIVE_DATA, everyone else sees them as counts only."""

    sheet_title = "Kehadiran"

    def __init__(self, *, activities: QuerySet[Activity], membership: Membership | None) -> None:
        self.activities = activities
        self.personal = has_right(membership, Right.VIEW_PERSONAL_DATA)
        self.sensitive = has_right(membership, Right.VIEW_SENSITIVE_DATA)

    def columns(self) -> Sequence[str]:
        columns = [
            _("Kegiatan"),
            _("Cara"),
            _("Waktu pindai"),
            _("Waktu diterima"),
            _("Jenis kelamin"),
            _("Kelurahan"),
            _("Luar kota"),
            _("Pemilih pemula"),
            _("Ikrar memilih"),
        ]
        if self.sensitive:
            columns += [_("Kelompok usia"), _("Disabilitas")]
        if self.personal:
            columns += [_("Nama"), _("Email"), _("Telepon")]
        return columns

    def rows(self) -> Iterable[Sequence[Any]]:
        qs = (
            CheckIn.objects.filter(activity_id__in=self.activities.values("pk"))
            .select_related("activity", "kelurahan", "registration")
            .order_by("activity_id", "received_at", "pk")
        )
        yes, no = _("ya"), _("tidak")

        def flag(value: bool | None) -> str:
            return "" if value is None else (yes if value else no)

        for c in qs.iterator(chunk_size=2000):
            row: list[Any] = [
                c.activity.title,
                c.get_how_display(),
                c.scanned_at,
                c.received_at,
                c.get_gender_display() if c.gender else "",
                c.kelurahan.name if c.kelurahan else "",
                flag(c.outside_city),
                flag(c.first_time_voter),
                flag(c.pledge),
            ]
            if self.sensitive:
                row += [c.get_age_band_display() if c.age_band else "", flag(c.disability)]
            if self.personal:
                reg = c.registration
                row += [
                    c.name or (reg.name if reg else ""),
                    reg.email if reg else "",
                    reg.phone if reg else "",
                ]
            yield row
