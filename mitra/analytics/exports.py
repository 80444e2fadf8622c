"""XLSX/CSV exports of the dashboard's tables; rows come from the same selectors as the page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from django.utils.translation import gettext as _

from mitra.core.exporters import Exporter
from mitra.core.numbers import Kind, format_figure, percent

from .selectors import Dashboard, Gap, PublicSummary


def _or_no_data(value: Any) -> Any:
    return _("tidak ada data") if value is None else value


class TableExporter(Exporter):
    def __init__(self, title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.sheet_title = title
        self._columns = list(columns)
        self._rows = rows

    def columns(self) -> Sequence[str]:
        return self._columns

    def rows(self) -> Iterable[Sequence[Any]]:
        return self._rows


def dashboard_table(d: Dashboard, table: str) -> TableExporter | None:
    if table in ("segment", "theme", "method", "approach", "partner"):
        rows = {
            "segment": d.by_segment,
            "theme": d.by_theme,
            "method": d.by_method,
            "approach": d.by_approach,
            "partner": d.by_partner,
        }[table]
        name = {
            "segment": _("Segmen"),
            "theme": _("Tema"),
            "method": _("Metode"),
            "approach": _("Pendekatan"),
            "partner": _("Mitra"),
        }[table]
        return TableExporter(
            name,
            [name, _("Kegiatan terverifikasi"), _("Jangkauan (orang)")],
            (
                [r["label"] or _("KPU (penyelenggara)"), r["activities"], r["attendance"]]
                for r in rows
            ),
        )
    if table == "areas":
        unplaced = [d.unplaced] if d.unplaced else []
        return TableExporter(
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
                _("Partisipasi sebelumnya (%)"),
            ],
            chain(
                (
                    [
                        a.code,
                        a.name,
                        a.parent_name,
                        _or_no_data(a.voters),
                        a.activities,
                        a.reach,
                        _or_no_data(a.reach_per_1000),
                        _or_no_data(a.activities_per_10000),
                        percent(a.turnout) if a.turnout is not None else _("tidak ada data"),
                    ]
                    for a in d.areas
                ),
                # The row that makes the areas add up to the dashboard's totals.
                [["", u.name, "", "", u.activities, u.reach, "", "", ""] for u in unplaced],
            ),
        )
    if table == "targets":
        return TableExporter(
            _("Target"),
            [_("Target"), _("Capaian"), _("Nilai target"), _("Seharusnya saat ini"), _("Status")],
            (
                [
                    t.label,
                    "" if t.actual is None else t.actual,
                    t.value,
                    t.pace.expected_value if t.pace else "",
                    (_("sesuai jalur") if t.pace.on_track else _("tertinggal"))
                    if t.pace
                    else _("diukur setelah pemungutan suara"),
                ]
                for t in d.targets
            ),
        )
    if table == "trend":
        return TableExporter(
            _("Tren mingguan"),
            [_("Minggu mulai"), _("Kegiatan"), _("Jangkauan"), _("Jangkauan kumulatif")],
            ([w.week, w.activities, w.reach, w.cumulative_reach] for w in d.trend),
        )
    if table == "attendance" and d.attendance_check is not None:
        c = d.attendance_check
        return TableExporter(
            _("Kehadiran"),
            [_("Ukuran"), _("Nilai")],
            [
                [_("Kegiatan terverifikasi dengan check-in"), c.activities],
                [_("Kehadiran dilaporkan (kegiatan itu)"), c.reported],
                [_("Kehadiran terukur / check-in (kegiatan itu)"), c.measured],
                [
                    _("Kegiatan yang selisihnya lebih dari %(p)s %%") % {"p": c.threshold_percent},
                    c.differing,
                ],
            ],
        )
    if table == "status":
        return TableExporter(
            _("Status kegiatan"),
            [_("Status"), _("Jumlah")],
            ([label, n] for _v, label, n in d.status_counts),
        )
    return None


def gaps_table(gaps: list[Gap]) -> TableExporter:
    """The ranking as the page lists it: each shown gap, then its area's further gaps
    ("more", without a rank of their own)."""

    def row(rank: int | str, g: Gap) -> list[Any]:
        estimate = g.estimate
        basis = ""
        if estimate is not None and estimate.counted:
            basis = estimate.source
        elif estimate is not None:
            basis = f"{format_figure(estimate.share or 0, Kind.PERCENT)} %: {estimate.source}"
        return [
            rank,
            g.area_name,
            g.segment_name,
            g.voters,
            basis,
            g.reached_shown,
            g.score,
            g.days_left,
            g.reason,
            ", ".join(p.name for p in g.partners),
        ]

    def rows() -> Iterable[list[Any]]:
        for i, g in enumerate(gaps, start=1):
            yield row(i, g)
            for other in g.more:
                yield row(_("lainnya"), other)

    return TableExporter(
        _("Celah"),
        [
            _("Peringkat"),
            _("Wilayah"),
            _("Segmen"),
            _("Pemilih segmen"),
            _("Dasar jumlah pemilih"),
            _("Terjangkau"),
            _("Skor"),
            _("Hari tersisa"),
            _("Alasan"),
            _("Mitra yang disarankan"),
        ],
        rows(),
    )


def summary_table(s: PublicSummary) -> TableExporter:
    themes = s.themes
    return TableExporter(
        _("Ringkasan"),
        [_("Kecamatan"), _("Kegiatan"), _("Orang terjangkau")]
        + [f"{t.name}: {_('kegiatan')}" for t in themes]
        + [f"{t.name}: {_('orang')}" for t in themes],
        (
            [r.name, r.activities, r.reach] + [c[0] for c in r.cells] + [c[1] for c in r.cells]
            for r in s.all_rows  # with the online row: the rows add up to the totals
        ),
    )
