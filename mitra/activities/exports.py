"""Activity list export (CSV/XLSX) from one row iterator."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core.exporters import Exporter

from .models import Activity, with_approach


class ActivityExporter(Exporter):
    sheet_title = "Kegiatan"

    def __init__(self, queryset: QuerySet[Activity]) -> None:
        # The approach read in the same query (the list's queryset may carry it already).
        if "approach_name" not in queryset.query.annotations:
            queryset = with_approach(queryset)
        self.queryset = queryset.select_related(
            "partner", "method", "kelurahan", "kelurahan__parent", "report"
        )

    def columns(self) -> Sequence[str]:
        return [
            _("ID"),
            _("Judul"),
            _("Penyelenggara"),
            _("Pendekatan"),
            _("Metode"),
            _("Tema"),
            _("Segmen"),
            _("Kecamatan"),
            _("Kelurahan"),
            _("Tempat"),
            _("Daring"),
            _("Mulai"),
            _("Selesai"),
            _("Status"),
            _("Perkiraan peserta"),
            _("Peserta (laporan)"),
            _("Perempuan"),
            _("Laki-laki"),
            _("Pemilih pemula"),
            _("Pemilih muda"),
            _("Penyandang disabilitas"),
            _("Terverifikasi"),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        for a in self._chunks():
            report = getattr(a, "report", None)  # a missing report raises an AttributeError
            kel = a.kelurahan
            yield [
                a.pk,
                a.title,
                a.organiser_name,
                a.approach_label,
                a.method.name,
                [t.name for t in a.themes.all()],
                [s.name for s in a.segments.all()],
                kel.parent.name if kel and kel.parent else "",
                kel.name if kel else "",
                a.venue,
                _("ya") if a.is_online else _("tidak"),
                timezone.localtime(a.starts_at),
                timezone.localtime(a.ends_at),
                a.get_status_display(),
                a.expected_attendance,
                report.attendance_total if report else None,
                report.women if report else None,
                report.men if report else None,
                report.first_time_voters if report else None,
                report.young_voters if report else None,
                report.disabilities if report else None,
                _("ya") if a.status == "verified" else _("tidak"),
            ]

    def _chunks(self) -> Iterable[Activity]:
        """Prefetching in chunks keeps memory flat and queries few for large exports."""
        qs = self.queryset.prefetch_related("themes", "segments")
        yield from qs.iterator(chunk_size=2000)
