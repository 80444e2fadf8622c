"""Exports: one row iterator per export, rendered to CSV or XLSX for Excel users.

Every cell written to a CSV or XLSX file goes through `cell_value` (the import templates in
`mitra.core.spreadsheets` too), the one place where two kinds of hostile text are defused:

- control characters (a vertical tab in a registrant's name would make openpyxl refuse the
  whole workbook) are removed;
- text that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab
  or a carriage return: `=HYPERLINK(…)`, `=cmd|' /C calc'!A0`) is kept as text: in XLSX
  the cell is typed as a string, in CSV (where there are no types) it gets a leading `'`.
"""

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
from mitra.core.inputs import strip_control_characters

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    """Text a spreadsheet program would evaluate rather than show."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def cell_value(value: Any) -> Any:
    """Values Excel understands: aware datetimes become local naive ones, lists are joined,
    text loses its control characters (None stays None: an empty cell)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, list | tuple | set):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, str):
        return strip_control_characters(value)  # tab and CR stay (and count as formula starts)
    return value


def csv_cell(value: Any) -> Any:
    """A CSV field: formula-like text gets a leading apostrophe so it stays text."""
    value = "" if value is None else cell_value(value)
    return f"'{value}" if looks_like_formula(value) else value


def xlsx_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    """An XLSX cell: formula-like text is typed as a string, never as a formula."""
    value = cell_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if looks_like_formula(value):
        cell.data_type = "s"
    return cell


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
            yield writer.writerow([csv_cell(c) for c in self.columns()])
            for row in self.rows():
                yield writer.writerow([csv_cell(v) for v in row])

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
            cell = xlsx_cell(sheet, title)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in self.rows():
            sheet.append([xlsx_cell(sheet, v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
