"""The evaluation as XLSX: the kelurahan table and the model's results, from the selectors'
rows (the same the API returns)."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from mitra.core.exporters import XLSX_TYPE

from . import selectors
from .selectors import Evaluation


def evaluation_workbook(found: Evaluation) -> HttpResponse:
    book = Workbook(write_only=True)
    table = book.create_sheet(_("Kelurahan"))
    headers = [
        _("Kode"),
        _("Kelurahan"),
        _("Kecamatan"),
        _("Pemilih terdaftar"),
        _("Pengguna hak pilih"),
        _("Partisipasi (%)"),
        _("Partisipasi pembanding (%)"),
        _("Perubahan (poin)"),
        _("Kegiatan terverifikasi"),
        _("Jangkauan"),
        _("Kegiatan per 10.000 pemilih"),
        _("Jangkauan per 1.000 pemilih"),
    ]
    table.append(headers)
    for row in selectors.kelurahan_rows(found):
        table.append(list(row.values()))
    model = book.create_sheet(_("Model"))
    model.append([_("Ukuran"), _("Perkiraan"), _("Batas bawah 95 %"), _("Batas atas 95 %"), "p"])
    for r in selectors.model_rows(found):
        model.append([r["label"], r.get("estimate"), r.get("low"), r.get("high"), r.get("p_value")])
    notes = book.create_sheet(_("Catatan"))
    for line in (
        found.verdict,
        _("Satuan: poin partisipasi per 1 % pemilih terjangkau (= tambahan pemilih per orang)."),
        _("Pembanding: %(name)s.") % {"name": found.baseline or "—"},
        _("Kelurahan tanpa pembanding tidak masuk model: %(n)s pemilih.")
        % {"n": found.unmatched_voters},
    ):
        notes.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="evaluasi-partisipasi.xlsx"'
    return response
