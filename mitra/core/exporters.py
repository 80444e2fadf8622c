"""Exports: one row iterator per export, rendered to CSV or XLSX for Excel users."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from mitra.core.errors import DomainError

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    """Values Excel understands: aware datetimes become local naive ones, None stays empty."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    return value


class Exporter:
    """Subclass with `columns` (headers, already translated) and `rows()`."""

    sheet_title = "Data"

    def columns(self) -> Sequence[str]:
        raise NotImplementedError

    def rows(self) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def response(self, fmt: str, *, filename: str) -> HttpResponse | StreamingHttpResponse:
        if fmt == "csv":
            return self._csv(filename)
        if fmt == "xlsx":
            return self._xlsx(filename)
        raise DomainError(_("Format ekspor tidak dikenal: %(fmt)s") % {"fmt": fmt}, code="format")

    def _csv(self, filename: str) -> StreamingHttpResponse:
        writer = csv.writer(_Echo())

        def lines() -> Iterable[str]:
            yield "\ufeff"  # BOM, so Excel opens UTF-8 names correctly
            yield writer.writerow(self.columns())
            for row in self.rows():
                yield writer.writerow(["" if v is None else _cell(v) for v in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response

    def _xlsx(self, filename: str) -> HttpResponse:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(self.sheet_title[:31])
        columns = list(self.columns())
        for index, title in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(
                12, min(40, len(title) + 4)
            )
        sheet.freeze_panes = "A2"
        header = []
        for title in columns:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in self.rows():
            sheet.append([_cell(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
