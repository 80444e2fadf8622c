"""Chromium (Playwright): propose and report on a 360 px phone, approve and verify on desktop."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from mitra.activities.models import Activity
from mitra.activities.photos import make_jpeg
from mitra.activities.services import methods_seed
from tests.factories import PASSWORD, SegmentFactory, ThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, membership):
    page.goto(f"{base}/akun/masuk/")
    page.get_by_label("Email").fill(membership.user.email)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/akun/")


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_propose_approve_report_verify(
    live_server, phone_page, page, coordinator_member, staff_member, programme, media
):
    office = coordinator_member.office
    methods_seed(office=office)
    ThemeFactory(programme=programme, name="Tahapan pemilihan")
    SegmentFactory(office=office, name="Pemilih pemula", code="pemula", min_age=17, max_age=21)
    base = live_server.url

    # 1. The coordinator proposes on a phone.
    phone = phone_page
    _login(phone, base, coordinator_member)
    phone.goto(f"{base}/kegiatan/baru/")
    assert _no_horizontal_scroll(phone)
    # No online link for an activity held in a place; no coordinates anywhere.
    assert not phone.locator("#id_online_url").is_visible()
    assert phone.locator("#id_lat").count() == 0
    phone.get_by_label("Judul kegiatan").fill("Diskusi pemilih pemula di kampus")
    phone.get_by_label("Metode").select_option(label="Diskusi")
    phone.get_by_label("Tahapan pemilihan").check()
    phone.get_by_label("Pemilih pemula").check()
    starts = timezone.localtime(timezone.now() - datetime.timedelta(hours=3))
    phone.get_by_label("Mulai").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    phone.get_by_label("Selesai").fill(
        (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    )
    # The kelurahan list follows the kecamatan (HTMX): Sukasari's four only.
    phone.get_by_label("Kecamatan").select_option(label="Sukasari")
    phone.locator("#id_kelurahan option", has_text="Isola").wait_for(state="attached")
    assert phone.locator("#id_kelurahan option").count() == 5
    phone.get_by_label("Kelurahan").select_option(label="Isola")
    phone.locator("#id_venue").fill("Aula kampus")
    phone.wait_for_timeout(500)  # the draft is saved 300 ms after typing
    phone.reload()  # a dropped connection: the draft comes back, the kelurahan too
    phone.locator("#id_kelurahan option", has_text="Isola").wait_for(state="attached")
    phone.wait_for_function("document.getElementById('id_kelurahan').value !== ''")
    assert phone.get_by_label("Judul kegiatan").input_value() == "Diskusi pemilih pemula di kampus"
    assert phone.locator("#id_kelurahan option:checked").inner_text() == "Isola"
    phone.get_by_role("button", name="Simpan dan ajukan").click()
    phone.wait_for_url(f"{base}/kegiatan/*/")
    assert "Diajukan" in phone.content()
    activity = Activity.objects.get(title="Diskusi pemilih pemula di kampus")
    assert activity.partner_id == coordinator_member.partner_id
    assert activity.kelurahan.name == "Isola"

    # 2. Staff approve from the queue on a desktop.
    _login(page, base, staff_member)
    page.goto(f"{base}/kegiatan/antrean/")
    card = page.locator(f"#q-{activity.pk}")
    assert "sudah lewat" in card.inner_text()  # dated in the past: staff confirm first
    card.get_by_label("tanggal sudah lewat").check()
    card.get_by_role("button", name="Setujui").click()
    page.wait_for_url(f"{base}/kegiatan/antrean/")
    activity.refresh_from_db()
    assert activity.status == "approved"

    # The coordinator hears of it: a count on every page, the notice in the inbox, an email.
    phone.goto(f"{base}/kegiatan/")
    assert phone.locator("#inbox-link .badge").inner_text().startswith("1")
    phone.locator("#inbox-link").click()
    phone.get_by_role("heading", name=f"Kegiatan disetujui: {activity.title}").wait_for()
    assert [m.to for m in mail.outbox if "disetujui" in m.subject] == [
        [coordinator_member.user.email]
    ]

    # 3. The coordinator reports on the phone: a draft survives a reload, a photo uploads.
    phone.goto(f"{base}/kegiatan/{activity.pk}/laporan/")
    assert _no_horizontal_scroll(phone)
    phone.get_by_label("Jumlah peserta").fill("45")
    phone.get_by_label("Perempuan").fill("25")
    phone.get_by_label("Laki-laki").fill("20")
    phone.get_by_label("Catatan kegiatan").fill("Peserta antusias")
    phone.wait_for_timeout(500)  # the draft is saved 300 ms after typing
    phone.reload()  # as after a dropped connection
    assert phone.get_by_label("Jumlah peserta").input_value() == "45"
    assert phone.get_by_label("Catatan kegiatan").input_value() == "Peserta antusias"

    # Photos upload as soon as they are chosen, each with progress; the count follows.
    def jpeg(name):
        photo = make_jpeg(size=(1200, 900), taken_at=activity.starts_at)
        return {"name": name, "mimeType": "image/jpeg", "buffer": photo}

    assert not phone.get_by_role("button", name="Unggah foto").is_visible()
    phone.set_input_files("#id_photo", files=[jpeg("satu.jpg"), jpeg("dua.jpg")])
    phone.locator("#photo-n", has_text="2").wait_for()
    assert phone.locator("#photo-list img").count() == 2
    assert activity.evidence.count() == 2
    # One is removed before the report is sent, another chosen in its place.
    phone.locator("#photo-list li").first.get_by_role("button", name="Hapus").click()
    phone.locator("#photo-n", has_text="1").wait_for()
    phone.set_input_files("#id_photo", files=[jpeg("tiga.jpg")])
    phone.locator("#photo-n", has_text="2").wait_for()
    assert activity.evidence.count() == 2
    assert phone.locator("#photo-progress").evaluate("el => el.value") == 100
    phone.reload()
    assert phone.locator("#photo-n").inner_text() == "2"
    # The figures stand two or three to a row on the phone.
    boxes = phone.locator(".nums .field").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert 2 <= boxes.count(boxes[0]) <= 3
    assert _no_horizontal_scroll(phone)

    phone.get_by_role("button", name="Kirim laporan").click()
    phone.wait_for_url(f"{base}/kegiatan/{activity.pk}/")
    activity.refresh_from_db()
    assert activity.status == "reported"
    assert activity.report.attendance_total == 45
    # The draft is forgotten once the server accepted the report.
    phone.goto(f"{base}/kegiatan/{activity.pk}/laporan/")
    stored = phone.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('mitra-draft:')).length"
    )
    assert stored == 0

    # 4. Staff verify.
    page.goto(f"{base}/kegiatan/{activity.pk}/")
    page.get_by_role("button", name="Verifikasi laporan").click()
    page.wait_for_url(f"{base}/kegiatan/{activity.pk}/")
    assert "Terverifikasi" in page.content()
    activity.refresh_from_db()
    assert activity.status == "verified"
    phone.goto(f"{base}/notifikasi/kotak-masuk/")
    phone.get_by_role("heading", name=f"Laporan diverifikasi: {activity.title}").wait_for()
