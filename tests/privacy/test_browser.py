"""The public request flow in Chromium: ask, confirm with the code from the message, see
and download one's data, ask for erasure, then staff erase it; axe finds no serious or
critical problem on any of the pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core import mail

from mitra.checkin import services as checkin
from mitra.checkin.models import Registration
from mitra.privacy import services
from mitra.privacy.models import DataRequest, RequestStatus
from tests.checkin.factories import ActivityFactory, CheckinPointFactory
from tests.portal.test_browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EMAIL = "sari.browser@example.org"


def test_request_code_see_export_erase(live_server, page, programme, staff_member):
    point = CheckinPointFactory(
        activity=ActivityFactory(programme=programme), requires_registration=True
    )
    registration = checkin.registration_create(
        point=point, name="Sari Browser", email=EMAIL, consent=True
    )
    mail.outbox.clear()

    page.goto(f"{live_server.url}/privasi/")
    assert page.get_by_role("heading", name="Pemberitahuan privasi").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ajukan permintaan atas data saya").click()
    assert_accessible(page)
    page.get_by_label("Melihat data saya").check()
    page.get_by_label("Email atau nomor WhatsApp yang Anda berikan saat mendaftar").fill(EMAIL)
    page.get_by_role("button", name="Kirim kode").click()

    page.get_by_label("Kode konfirmasi (6 angka)").wait_for()
    assert_accessible(page)
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.get_by_label("Kode konfirmasi (6 angka)").fill(code)
    page.get_by_role("button", name="Konfirmasi").click()

    page.get_by_role("heading", name="Data saya").wait_for()
    assert page.get_by_text("Sari Browser").first.is_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh (JSON)").click()
    exported = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert exported["registrations"][0]["name"] == "Sari Browser"

    page.get_by_label("Menghapus data saya").check()
    page.get_by_role("button", name="Kirim permintaan").click()
    page.get_by_text("diproses paling lambat 72 jam").wait_for()
    erase = DataRequest.objects.get(kind="erase")
    assert erase.status == RequestStatus.OPEN and erase.due_at is not None

    services.request_erase(membership=staff_member, request_id=erase.pk)
    registration = Registration.objects.get(pk=registration.pk)
    assert (registration.name, registration.email) == ("", "")
    page.reload()  # the person's page now holds nothing of theirs
    page.get_by_text("Tidak ada data tersimpan dengan alamat ini.").wait_for()
    assert "Sari Browser" not in page.content() and EMAIL not in page.content()
    assert_accessible(page)
