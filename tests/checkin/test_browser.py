import json

import pytest
import segno
from django.test import Client
from playwright.sync_api import expect

from mitra.checkin.models import CheckIn
from tests.checkin.factories import ActivityFactory, CheckinPointFactory, RegistrationFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_self_checkin_on_a_phone(live_server, phone_page, programme):
    point = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    page = phone_page
    page.goto(f"{live_server.url}/hadir/{point.token}/")
    assert page.locator("html").get_attribute("lang") == "id"
    page.get_by_label("17–21").check()
    page.get_by_label("Perempuan").check()
    page.get_by_label("Kelurahan tempat tinggal").select_option(label="Luar Bandung / luar kota")
    page.check('input[name="first_time_voter"][value="1"]')
    page.get_by_label("Saya akan memilih pada 27 November 2024.").check()
    page.check('input[name="sensitive_consent"]')  # age band is kept only with it
    button = page.get_by_role("button", name="Kirim daftar hadir")
    box = button.bounding_box()
    assert box and box["width"] <= 360  # fits the phone screen
    button.click()
    assert page.get_by_role("heading", name="Terima kasih, kehadiran Anda tercatat").is_visible()
    checkin = CheckIn.objects.get()
    assert checkin.outside_city and checkin.pledge and checkin.gender == "f"
    assert checkin.age_band == "17-21"
    page.goto(f"{live_server.url}/hadir/{point.token}/")
    assert page.get_by_role("heading", name="Anda sudah tercatat hadir").is_visible()
    assert CheckIn.objects.count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_scanner_queues_offline_and_syncs_when_back_online(
    live_server, page, staff_member, programme, tmp_path
):
    point = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    reg = RegistrationFactory(activity=point.activity)
    qr_png = tmp_path / "ticket.png"
    segno.make(f"{live_server.url}/hadir/tiket/{reg.secret}/", error="m").save(
        str(qr_png), scale=8, border=4
    )
    client = Client()
    client.force_login(staff_member.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/hadir/pindai/?kegiatan={point.activity_id}")
    expect(page.locator("#scanner")).to_have_attribute("data-state", "online")

    page.context.set_offline(True)
    expect(page.locator("#scanner")).to_have_attribute("data-state", "offline")
    page.set_input_files("#qr-file", str(qr_png))
    expect(page.locator("#queue-count")).to_have_text("1")
    page.get_by_role("button", name="Perempuan").click()
    expect(page.locator("#queue-count")).to_have_text("2")
    assert "Luring" in page.locator("#sync-status").inner_text()
    assert CheckIn.objects.count() == 0
    storage = page.context.storage_state()["origins"][0]["localStorage"]
    queued = json.loads(next(i["value"] for i in storage if i["name"] == "mitra-checkin-queue"))
    assert [q["kind"] for q in queued] == ["scan", "tally"]
    assert all(len(q["nonce"]) >= 32 and q["scanned_at"] for q in queued)

    page.context.set_offline(False)
    expect(page.locator("#queue-count")).to_have_text("0")
    expect(page.locator("#last-result")).to_contain_text("Diterima")
    assert CheckIn.objects.filter(how="ticket", registration=reg).count() == 1
    assert CheckIn.objects.filter(how="tally", gender="f").count() == 1
