"""The printable A4 poster: the activity, the voting day and a large QR code (vector)."""

from __future__ import annotations

from typing import BinaryIO

import segno
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .models import CheckinPoint

RED = HexColor("#b3121b")


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR code's dark modules as filled squares (sharp at any print size)."""
    qr = segno.make(text, error="q")
    matrix = qr.matrix
    modules = len(matrix)
    cell = size / modules
    canvas.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + col_index * cell,
                    y + size - (row_index + 1) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )


def _wrap(canvas: Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if canvas.stringWidth(candidate, font, size) <= width:
            current = candidate
        else:
            if current:
                lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def poster_pdf(out: BinaryIO, *, point: CheckinPoint, url: str) -> None:
    activity = point.activity
    width, height = A4
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(_("Daftar hadir: %(title)s") % {"title": activity.title})
    canvas.setFillColor(RED)
    canvas.rect(0, height - 40 * mm, width, 40 * mm, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont("Helvetica-Bold", 30)
    canvas.drawCentredString(width / 2, height - 22 * mm, _("DAFTAR HADIR"))
    canvas.setFont("Helvetica", 14)
    canvas.drawCentredString(
        width / 2, height - 32 * mm, _("Pindai kode QR dengan kamera ponsel Anda")
    )
    canvas.setFillColorRGB(0, 0, 0)
    y = height - 55 * mm
    for line in _wrap(canvas, activity.title, "Helvetica-Bold", 20, width - 40 * mm)[:3]:
        canvas.setFont("Helvetica-Bold", 20)
        canvas.drawCentredString(width / 2, y, line)
        y -= 9 * mm
    canvas.setFont("Helvetica", 13)
    when = timezone.localtime(activity.starts_at)
    canvas.drawCentredString(
        width / 2, y, f"{formats.date_format(when, 'l, j F Y')} · {when:%H:%M}"
    )
    y -= 7 * mm
    if activity.venue:
        canvas.drawCentredString(width / 2, y, activity.venue[:90])
    qr_size = 120 * mm
    _draw_qr(canvas, url, (width - qr_size) / 2, 60 * mm, qr_size)
    canvas.setFont("Helvetica", 10)
    canvas.drawCentredString(width / 2, 52 * mm, url)
    canvas.setFont("Helvetica-Bold", 15)
    voting_day = formats.date_format(activity.programme.voting_day, "j F Y")
    canvas.drawCentredString(
        width / 2, 38 * mm, _("Ayo memilih pada %(day)s!") % {"day": voting_day}
    )
    canvas.setFont("Helvetica", 9)
    for i, line in enumerate(
        _wrap(
            canvas,
            _(
                "Jawaban dipakai untuk menghitung peserta (jumlah, bukan identitas). "
                "Nama boleh tidak diisi, tidak ditampilkan kepada publik, "
                "dan dihapus setelah masa simpan data."
            ),
            "Helvetica",
            9,
            width - 50 * mm,
        )
    ):
        canvas.drawCentredString(width / 2, 28 * mm - i * 4.5 * mm, line)
    canvas.showPage()
    canvas.save()
