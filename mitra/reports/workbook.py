"""The programme report as an XLSX workbook: a sheet per section, numbers as numbers (hidden
small counts stay "<5"), with bar and line charts drawn by openpyxl. Every cell goes
through `core.exporters.xlsx_cell`, the one place that keeps formula-like text as text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mitra.core.exporters import xlsx_cell

from .selectors import ProgrammeReport


def _sheet(
    book: Workbook, title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Worksheet:
    sheet = book.create_sheet(title[:31])
    header = []
    for name in columns:
        cell = xlsx_cell(sheet, name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    for index, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(45, len(name) + 6))
    sheet.freeze_panes = "A2"
    return sheet


def _bar(sheet: Worksheet, title: str, value_column: int, anchor: str) -> None:
    """A bar chart of one numeric column against the first (drawn where openpyxl can)."""
    if sheet.max_row < 2:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.height, chart.width = 9, 16
    data = Reference(sheet, min_col=value_column, min_row=1, max_row=sheet.max_row)
    labels = Reference(sheet, min_col=1, min_row=2, max_row=sheet.max_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    sheet.add_chart(chart, anchor)


def _group(book: Workbook, title: str, rows: list[dict[str, Any]], fallback: str = "—") -> None:
    sheet = _sheet(
        book,
        title,
        [title, _("Kegiatan terverifikasi"), _("Jangkauan (orang)")],
        ([r["label"] or fallback, r["activities"], r["attendance"]] for r in rows),
    )
    _bar(sheet, _("Jangkauan per %(what)s") % {"what": title.lower()}, 3, "E2")


def programme_workbook(report: ProgrammeReport) -> bytes:
    d = report.dashboard
    book = Workbook()
    book.remove(book.active)
    period = f"{report.params.date_from or '…'} – {d.as_of}"
    _sheet(
        book,
        _("Ringkasan"),
        [_("Ukuran"), _("Nilai")],
        [
            [_("Kantor"), report.office.name],
            [_("Program"), str(report.programme)],
            [_("Periode"), period],
            [_("Kegiatan terverifikasi"), d.totals["activities"]],
            [_("Jangkauan (orang)"), d.totals["attendance_total"]],
            [_("Jangkauan per 1.000 pemilih"), d.reach_per_1000],
            [_("Check-in terukur"), d.checkins],
            [_("Mitra aktif"), d.partners_active],
            [_("Pemilih"), d.voters_total],
            [_("Perempuan"), d.totals["women"]],
            [_("Laki-laki"), d.totals["men"]],
            [_("Pemilih pemula"), d.totals["first_time_voters"]],
            [_("Penyandang disabilitas"), d.totals["disabilities"]],
            [_("Hari menuju pemungutan suara"), d.days_left],
            *([label, n] for _v, label, n in d.status_counts),
        ],
    )
    _sheet(
        book,
        _("Kesepakatan"),
        [_("Keluaran"), _("Tema"), _("Segmen"), _("Mitra"), _("Target"), _("Terlaksana")],
        (
            [r.metric_label, r.theme, r.segment, r.partners, r.target, r.done]
            for r in d.deliverables
        ),
    )
    _group(book, _("Mitra"), d.by_partner, _("KPU (penyelenggara)"))
    _group(book, _("Pendekatan"), d.by_approach)
    _group(book, _("Metode"), d.by_method)
    _group(book, _("Tema"), d.by_theme)
    _group(book, _("Segmen"), d.by_segment)
    unplaced = [d.unplaced] if d.unplaced else []
    _sheet(
        book,
        _("Wilayah"),
        [
            _("Kode"),
            _("Wilayah"),
            _("Induk"),
            _("Pemilih"),
            _("Kegiatan"),
            _("Jangkauan"),
            _("Jangkauan per 1.000 pemilih"),
            _("Kegiatan per 10.000 pemilih"),
        ],
        [
            *(
                [
                    a.code,
                    a.name,
                    a.parent_name,
                    a.voters,
                    a.activities,
                    a.reach,
                    a.reach_per_1000,
                    a.activities_per_10000,
                ]
                for a in d.areas
            ),
            *(["", u.name, "", None, u.activities, u.reach, None, None] for u in unplaced),
        ],
    )
    check = d.attendance_check
    _sheet(
        book,
        _("Kehadiran"),
        [_("Ukuran"), _("Nilai")],
        [
            [_("Kegiatan dengan check-in"), check.activities],
            [_("Kehadiran dilaporkan"), check.reported],
            [_("Kehadiran terukur (check-in)"), check.measured],
            [_("Kegiatan dengan selisih ditandai"), check.differing],
        ]
        if check
        else [],
    )
    _sheet(
        book,
        _("Selisih kehadiran"),
        [_("Kegiatan"), _("Mitra"), _("Dilaporkan"), _("Terukur"), _("Selisih (%)")],
        (
            [
                x.activity.title,
                str(x.activity.partner or ""),
                x.reported,
                x.measured,
                x.difference_percent,
            ]
            for x in report.differences
        ),
    )
    _sheet(
        book,
        _("Daring"),
        [_("Ukuran"), _("Nilai")],
        [
            [_("Unggahan daring"), d.totals["online_posts"]],
            [_("Jangkauan daring"), d.totals["online_reach"]],
            [_("Tayangan"), d.totals["impressions"]],
            [_("Interaksi"), d.totals["engagement"]],
        ],
    )
    trend = _sheet(
        book,
        _("Tren mingguan"),
        [_("Minggu mulai"), _("Kegiatan"), _("Jangkauan"), _("Jangkauan kumulatif")],
        ([w.week, w.activities, w.reach, w.cumulative_reach] for w in d.trend),
    )
    if trend.max_row > 1:
        line = LineChart()
        line.title = _("Jangkauan kumulatif per minggu")
        line.height, line.width = 9, 18
        line.add_data(Reference(trend, min_col=4, min_row=1, max_row=trend.max_row), True)
        line.set_categories(Reference(trend, min_col=1, min_row=2, max_row=trend.max_row))
        trend.add_chart(line, "F2")
    _sheet(
        book,
        _("Target"),
        [_("Target"), _("Capaian"), _("Nilai target"), _("Seharusnya saat ini"), _("Status")],
        (
            [
                t.label,
                t.actual,
                t.value,
                t.pace.expected_value if t.pace else None,
                (_("sesuai jalur") if t.pace.on_track else _("tertinggal"))
                if t.pace
                else _("diukur setelah pemungutan suara"),
            ]
            for t in d.targets
        ),
    )
    _sheet(
        book,
        _("Kesenjangan"),
        [_("Wilayah"), _("Segmen"), _("Pemilih"), _("Terjangkau"), _("Skor"), _("Alasan")],
        (
            [g.area_name, g.segment_name, g.voters, g.reached_shown, g.score, g.reason]
            for g in report.gaps
        ),
    )
    _sheet(
        book,
        _("Foto"),
        [
            _("Keterangan"),
            _("Kegiatan"),
            _("Tema"),
            _("Waktu foto"),
            _("Tempat"),
            _("Ditandai"),
        ],
        (
            [p.caption, p.activity.title, p.theme, p.taken_at, p.place, p.flags]
            for p in report.photos
        ),
    )
    e = report.evaluation
    if e is not None:
        _sheet(
            book,
            _("Evaluasi"),
            [_("Ukuran"), _("Nilai")],
            [
                [_("Pemilihan"), str(e.election)],
                [_("Pemilih terdaftar"), e.registered],
                [_("Pengguna hak pilih"), e.voted],
                [_("Partisipasi (%)"), e.turnout],
                [_("Partisipasi pembanding (%)"), e.baseline_turnout],
                [_("Target partisipasi (%)"), e.target],
                [_("Kesimpulan evaluasi"), e.verdict],
            ],
        )
    _sheet(book, _("Catatan metode"), [_("Catatan")], ([n] for n in report.notes))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
