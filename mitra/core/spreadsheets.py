"""Reading the spreadsheets staff upload (XLSX or CSV) and offering import templates."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mitra.core.errors import DomainError
from mitra.core.exporters import XLSX_TYPE, xlsx_cell
from mitra.core.inputs import strip_control_characters


class SpreadsheetError(DomainError):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return strip_control_characters(str(value)).strip()


def _header(cells: Sequence[Any]) -> list[str]:
    return [_text(c).lower() for c in cells]


def read_table(upload: UploadedFile, *, max_rows: int = 100_000) -> list[dict[str, str]]:
    """Rows of the first sheet as dicts keyed by the lower-cased header row.

    Cells become stripped strings; fully empty rows are skipped. Each dict also carries
    "_row", the row number people see in Excel, for messages.
    """
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    rows = _xlsx_rows(upload) if head.startswith(b"PK") else _csv_rows(upload)
    try:
        header = _header(next(rows))
    except StopIteration:
        raise SpreadsheetError(_("Berkas kosong: tidak ada baris judul."), code="empty") from None
    if not any(header):
        raise SpreadsheetError(_("Baris pertama harus berisi judul kolom."), code="no_header")
    table: list[dict[str, str]] = []
    for number, cells in enumerate(rows, start=2):
        values = [_text(c) for c in cells]
        if not any(values):
            continue
        if len(table) >= max_rows:
            raise SpreadsheetError(
                _("Berkas berisi lebih dari %(max)d baris.") % {"max": max_rows},
                code="too_many_rows",
            )
        row = {key: (values[i] if i < len(values) else "") for i, key in enumerate(header) if key}
        row["_row"] = str(number)
        table.append(row)
    return table


def _xlsx_rows(upload: UploadedFile) -> Any:
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SpreadsheetError(
            _("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel lalu coba lagi."),
            code="bad_xlsx",
        ) from exc
    sheet = workbook.worksheets[0]
    return sheet.iter_rows(values_only=True)


def _csv_rows(upload: UploadedFile) -> Any:
    raw = upload.read()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise SpreadsheetError(_("Berkas CSV tidak dapat dibaca."), code="bad_csv")
    if "\x00" in text:
        raise SpreadsheetError(_("Berkas bukan CSV atau XLSX."), code="not_a_table")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    return iter(list(csv.reader(io.StringIO(text), dialect)))


TEMPLATE_ROWS = 1000  # rows of a template that carry the drop-downs


def _drop_downs(
    workbook: Workbook,
    sheet: Any,
    columns: Sequence[str],
    choices: Mapping[str, Sequence[str]],
    free_text: Sequence[str],
) -> None:
    lists = workbook.create_sheet(pgettext("nama lembar kerja", "Pilihan"))
    for index, (column, values) in enumerate(
        (c, v) for c, v in choices.items() if c in columns and v
    ):
        letter = get_column_letter(index + 1)
        lists.cell(row=1, column=index + 1, value=column)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=index + 1, value=value)
        target = get_column_letter(list(columns).index(column) + 1)
        strict = column not in free_text
        validation = DataValidation(
            type="list",
            formula1=f"'{lists.title}'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=strict,
        )
        if strict:
            validation.error = _("Pilih salah satu nilai dari daftar.")
        sheet.add_data_validation(validation)
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")


def template_response(
    columns: Sequence[str],
    example_rows: Sequence[Sequence[Any]],
    *,
    filename: str,
    notes: str = "",
    choices: Mapping[str, Sequence[str]] | None = None,
    free_text: Sequence[str] = (),
) -> HttpResponse:
    """An XLSX with the expected header row, example rows and an optional notes sheet.

    `choices`: per column the accepted values, offered as a drop-down (kept on a sheet of
    their own, so long lists fit); a value outside them is refused by the spreadsheet,
    except in the `free_text` columns (e.g. several values separated by ';')."""
    workbook = Workbook()
    sheet = workbook.active
    # Sheet names are for people only: read_table takes the first sheet, whatever its name.
    sheet.title = pgettext("nama lembar kerja", "Data")
    sheet.append([xlsx_cell(sheet, c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in example_rows:
        sheet.append([xlsx_cell(sheet, v) for v in row])
    for index, title in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            14, len(title) + 4
        )
    if choices:
        _drop_downs(workbook, sheet, columns, choices, free_text)
    if notes:
        guide = workbook.create_sheet(pgettext("nama lembar kerja", "Petunjuk"))
        for line in notes.splitlines():
            guide.append([xlsx_cell(guide, line)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
