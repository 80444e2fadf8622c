"""Exports of the partner registry: one row iterator, rendered to CSV and XLSX."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from mitra.core.exporters import Exporter

from . import selectors
from .models import AgreementStatus


class PartnerExporter(Exporter):
    sheet_title = "Mitra"

    def __init__(self, partner_ids: Iterable[int], *, personal: bool) -> None:
        self.partner_ids = partner_ids
        self.personal = personal

    def columns(self) -> Sequence[str]:
        columns = [
            _("Kode"),
            _("Nama"),
            _("Kategori"),
            _("Status"),
            _("Status perjanjian"),
            _("Segmen"),
            _("Wilayah"),
            _("Jumlah anggota"),
        ]
        if self.personal:
            columns += [_("Narahubung"), _("WhatsApp"), _("Email")]
        return [*columns, _("Instagram")]

    def rows(self) -> Iterable[Sequence[Any]]:
        ids = list(self.partner_ids)
        for start in range(0, len(ids), 1000):
            for p in selectors.partner_page_rows(ids[start : start + 1000]):
                row = [
                    p.code,
                    p.name,
                    p.category.name,
                    str(p.get_status_display()),
                    str(AgreementStatus(p.agreement_status).label),  # type: ignore[attr-defined]
                    [s.name for s in p.segments.all()],
                    [r.name for r in p.areas.all()],
                    p.member_count,
                ]
                if self.personal:
                    row += [p.contact_name, p.whatsapp, p.email]
                yield [*row, p.instagram]
