"""On the demo's 2024 programme, the report's PDF (read back as text) and its workbook
(read back as values) carry the dashboard selector's figures."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from mitra.accounts.models import Membership
from mitra.activities.models import Evidence
from mitra.analytics import selectors as analytics
from mitra.core.numbers import Kind, format_figure
from mitra.demo.builder import demo_build
from mitra.demo.context import DemoContext
from mitra.elections.models import Programme
from mitra.reports import documents, services, workbook
from mitra.reports.models import JobStatus, ReportJob, ReportKind
from mitra.reports.selectors import ReportParams, programme_report

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _values(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def _line_with(text: str, *parts: str) -> bool:
    return any(all(p in line for p in parts) for line in text.splitlines())


def test_demo_programme_report_pdf_and_xlsx_match_the_dashboard(
    media, django_capture_on_commit_callbacks
):
    demo_build(DemoContext())
    staff = Membership.objects.get(user__email="staf@demo.mitra.id")
    # Two photos picked for the report, one of them flagged (its EXIF is 40 days off).
    flagged = Evidence.objects.filter(date_mismatch=True).first()
    plain = Evidence.objects.filter(date_mismatch=False, place_mismatch=False).first()
    services.photo_pick(
        membership=staff, evidence_id=flagged.pk, caption="Diskusi warga RW 04", theme_id=None
    )
    services.photo_pick(
        membership=staff, evidence_id=plain.pk, caption="Sosialisasi =pemula", theme_id=None
    )

    # The finished 2024 programme (the demo's running one is a simulation six weeks ahead).
    finished = Programme.objects.get(office=staff.office, slug="pilkada-2024")
    d = analytics.dashboard(membership=staff, programme=finished)
    report = programme_report(membership=staff, params=ReportParams(), programme=finished)
    assert report.dashboard.totals == d.totals

    text = _text(documents.programme_pdf(report))
    count = lambda v: v if isinstance(v, str) else format_figure(v, Kind.COUNT)  # noqa: E731
    assert _line_with(text, count(d.totals["activities"]), "Kegiatan terverifikasi")
    assert _line_with(text, "Jangkauan (orang)", count(d.totals["attendance_total"]))
    assert _line_with(text, "Check-in terukur", count(d.checkins))
    for row in d.by_method:
        assert _line_with(text, row["label"], count(row["activities"]), count(row["attendance"]))
    for row in d.deliverables:
        assert _line_with(text, count(row.target), count(row.done))
    for area in d.areas[:5]:
        assert _line_with(text, area.code, area.name, count(area.activities), count(area.reach))
    assert "Diskusi warga RW 04" in text and "tanggal foto tidak cocok" in text
    assert report.evaluation is not None  # the demo's voting day has passed
    assert report.evaluation.verdict.split()[0] in text
    assert "Catatan metode" in text

    sheets = _values(workbook.programme_workbook(report))
    summary = {r[0]: r[1] for r in sheets["Ringkasan"][1:]}
    assert summary["Kegiatan terverifikasi"] == d.totals["activities"]
    assert summary["Jangkauan (orang)"] == d.totals["attendance_total"]
    assert summary["Check-in terukur"] == d.checkins
    assert isinstance(summary["Jangkauan (orang)"], int)  # a number, not text
    methods = {r[0]: r[1:] for r in sheets["Metode"][1:]}
    assert methods == {r["label"]: (r["activities"], r["attendance"]) for r in d.by_method}
    areas = {r[0]: r for r in sheets["Wilayah"][1:] if r[0]}
    assert {code: (r[4], r[5]) for code, r in areas.items()} == {
        a.code: (a.activities, a.reach) for a in d.areas
    }
    deliverables = [tuple(r[4:6]) for r in sheets["Kesepakatan"][1:]]
    assert deliverables == [(r.target, r.done) for r in d.deliverables]
    evaluation = {r[0]: r[1] for r in sheets["Evaluasi"][1:]}
    assert evaluation["Pengguna hak pilih"] == report.evaluation.voted
    # A caption that looks like a formula stays text.
    captions = [r[0] for r in sheets["Foto"][1:]]
    assert "Sosialisasi =pemula" in captions
    assert sorted(c for c in captions) == sorted(["Diskusi warga RW 04", "Sosialisasi =pemula"])

    # The same through the background job (in-process without a broker): made once per data.
    params = ReportParams().as_json()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_request(membership=staff, kind=ReportKind.PROGRAMME_XLSX, params=params)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100
    again = services.job_request(membership=staff, kind=ReportKind.PROGRAMME_XLSX, params=params)
    assert again.pk == job.pk and ReportJob.objects.count() == 1
    assert re.search(r"^reports/\d+/[0-9a-f]{32}\.xlsx$", job.file.name)
