import csv
import io

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from PIL import Image

from mitra.core.exporters import Exporter
from mitra.core.spreadsheets import SpreadsheetError, read_table
from mitra.core.uploads import CheckedFileField, store_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


class DocumentForm(forms.Form):
    title = forms.CharField()
    document = CheckedFileField(kinds={"pdf"})


def test_real_pdf_is_accepted_and_marked_with_its_kind():
    form = DocumentForm({"title": "PKS"}, {"document": SimpleUploadedFile("pks.pdf", PDF)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["document"].checked_kind == "pdf"


def test_image_renamed_to_pdf_is_refused_and_other_fields_kept():
    upload = SimpleUploadedFile("pks.pdf", png_bytes(), content_type="application/pdf")
    form = DocumentForm({"title": "PKS 2024"}, {"document": upload})
    assert not form.is_valid()
    assert "bukan PDF yang sah" in form.errors["document"][0]
    assert form["title"].value() == "PKS 2024"


def test_oversized_file_is_refused_with_the_limit_named(settings):
    settings.UPLOAD_MAX_BYTES = 20
    form = DocumentForm({"title": "x"}, {"document": SimpleUploadedFile("a.pdf", PDF)})
    assert not form.is_valid()
    assert "terlalu besar" in form.errors["document"][0]


def test_stored_files_get_unguessable_names(media):
    form = DocumentForm({"title": "x"}, {"document": SimpleUploadedFile("rahasia.pdf", PDF)})
    assert form.is_valid()
    first = store_upload(form.cleaned_data["document"], folder="agreements")
    second = store_upload(form.cleaned_data["document"], folder="agreements")
    assert first != second
    assert "rahasia" not in first and first.startswith("agreements/") and first.endswith(".pdf")


class PeopleExporter(Exporter):
    def columns(self):
        return ["Nama", "Jumlah"]

    def rows(self):
        yield ["Sukajadi", 12]
        yield ["Cinambo", None]


def test_csv_export_opens_in_excel_with_utf8_bom():
    response = PeopleExporter().response("csv", filename="data")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows == [["Nama", "Jumlah"], ["Sukajadi", "12"], ["Cinambo", ""]]
    assert response["Content-Disposition"] == 'attachment; filename="data.csv"'


def test_xlsx_export_has_header_and_rows():
    response = PeopleExporter().response("xlsx", filename="data")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["Nama", "Jumlah"]
    assert [c.value for c in sheet[2]] == ["Sukajadi", 12]


def _xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("t.xlsx", buffer.getvalue())


def test_read_table_reads_xlsx_and_skips_blank_rows():
    table = read_table(_xlsx([["Nama", "Kode"], ["A", 1.0], [None, None], ["B", "x"]]))
    assert table == [
        {"nama": "A", "kode": "1", "_row": "2"},
        {"nama": "B", "kode": "x", "_row": "4"},
    ]


def test_read_table_reads_semicolon_csv_from_excel():
    upload = SimpleUploadedFile("t.csv", "Nama;Kode\nÁ;1\n".encode("cp1252"))
    assert read_table(upload) == [{"nama": "Á", "kode": "1", "_row": "2"}]


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04broken zip"])
def test_unreadable_tables_raise_clear_errors(content):
    with pytest.raises(SpreadsheetError):
        read_table(SimpleUploadedFile("t.xlsx", content))
