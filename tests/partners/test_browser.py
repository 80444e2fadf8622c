"""In Chromium: upload a sheet with broken rows, read the preview, confirm, see the partners."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from mitra.partners.models import Partner
from tests.partners.factories import sheet_csv


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_import_preview_and_confirm(
    live_server, page, staff_member, categories, segments, tmp_path
):
    rows = [
        {
            "kode": "B-1",
            "nama": "Komunitas Satu",
            "kategori": "pemuda",
            "kecamatan": "Sukasari",
            "whatsapp": "0812-1111-2222",
        },
        {"kode": "B-2", "nama": "Komunitas Dua", "kategori": "Lainnya", "kecamatan": "Coblong"},
        {"kode": "B-3", "nama": "", "kecamatan": "Sukasari"},
        {"kode": "B-4", "nama": "Komunitas Empat", "kecamatan": "Atlantis"},
        {"kode": "B-5", "nama": "Komunitas Lima", "whatsapp": "12345"},
    ]
    path = tmp_path / "mitra.csv"
    path.write_bytes(sheet_csv(rows).getvalue())
    client = Client()
    client.force_login(staff_member.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/mitra/impor/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Unggah dan pratinjau").click()

    expect(page.get_by_role("heading", name="Pratinjau impor: mitra.csv")).to_be_visible()
    table = page.locator("#import-rows")
    expect(table.locator("tr.row-new")).to_have_count(2)
    expect(table.locator("tr.row-error")).to_have_count(3)
    expect(table).to_contain_text("Nama organisasi kosong.")
    expect(table).to_contain_text("Kecamatan tidak dikenal: Atlantis")
    expect(table).to_contain_text("Nomor WhatsApp tidak valid: 12345")
    assert Partner.objects.count() == 0  # nothing written before confirming

    # All or nothing: with three rows in error nothing can be saved yet.
    expect(page.locator("#import-blocked")).to_contain_text("3 baris bergalat")
    expect(page.locator("#import-confirm-form button")).to_be_disabled()

    path.write_bytes(sheet_csv(rows[:2]).getvalue())  # the file, corrected
    page.goto(f"{live_server.url}/mitra/impor/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Unggah dan pratinjau").click()
    expect(table.locator("tr.row-error")).to_have_count(0)
    page.get_by_role("button", name="Simpan 2 baris").click()
    expect(page.get_by_role("heading", name="Daftar mitra")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("2 mitra baru")
    expect(page.get_by_role("link", name="Komunitas Satu")).to_be_visible()
    assert sorted(Partner.objects.values_list("code", flat=True)) == ["B-1", "B-2"]
    assert Partner.objects.get(code="B-1").whatsapp == "+6281211112222"
