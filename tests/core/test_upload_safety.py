"""Image uploads: bombs refused before decoding with a clear message; GPS EXIF never stored."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mitra.activities import services
from mitra.activities.models import Evidence
from mitra.activities.photos import GPS_IFD, make_jpeg
from mitra.portal.models import Article
from tests.activities.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width × height pixels (the data is never decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * 4096, 9)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def _article_post(client, image_bytes, name="foto.png", content_type="image/png"):
    upload = SimpleUploadedFile(name, image_bytes, content_type=content_type)
    data = {
        "title": "Simulasi pencoblosan",
        "slug": "",
        "lead": "Warga mencoba.",
        "body": "Isi.",
        "image_alt": "Warga",
        "tags": "",
        "status": "published",
        "published_at": "",
        "action": "save",
        "image": upload,
    }
    return client.post("/kelola/berita/baru/", data)


@pytest.mark.parametrize("side", [12_000, 20_000])
def test_image_bomb_is_refused_before_decoding_with_its_size(client, staff_member, media, side):
    client.force_login(staff_member.user)
    data = bomb_png(side, side)
    assert len(data) < 20_000
    response = _article_post(client, data)
    assert response.status_code == 200  # the form again, with the message
    page = response.content.decode()
    assert f"{side:,}".replace(",", ".") in page or str(side) in page
    assert "40 juta piksel" in page
    assert not Article.objects.exists()
    assert not list(media.rglob("*.png"))


def test_a_normal_image_is_still_accepted(client, staff_member, media):
    client.force_login(staff_member.user)
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 80, 160)).save(buffer, "PNG")
    response = _article_post(client, buffer.getvalue())
    assert response.status_code == 302
    assert Article.objects.get().image


def test_photo_bomb_on_the_report_page_is_a_clear_400(client, coordinator_member, programme):
    activity = ActivityFactory(
        programme=programme, partner=coordinator_member.partner, status="held"
    )
    client.force_login(coordinator_member.user)
    upload = SimpleUploadedFile("foto.png", bomb_png(20_000, 20_000), content_type="image/png")
    response = client.post(
        reverse("activities:photo_upload", args=[activity.pk]),
        {"photo": upload},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "piksel" in response.json()["detail"]
    assert not Evidence.objects.exists()


def test_evidence_service_refuses_a_bomb_that_skipped_the_form(coordinator_member, programme):
    activity = ActivityFactory(
        programme=programme, partner=coordinator_member.partner, status="held"
    )
    upload = SimpleUploadedFile("foto.png", bomb_png(20_000, 20_000), content_type="image/png")
    with pytest.raises(services.ActivityError) as refused:
        services.evidence_add(membership=coordinator_member, activity_id=activity.pk, photo=upload)
    assert refused.value.code == "photo_too_large"


def _gps_of(name: str) -> dict:
    with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
        return dict(image.getexif().get_ifd(GPS_IFD))


def test_article_image_is_stored_without_its_gps_point(client, staff_member, media):
    photo = make_jpeg(size=(300, 200), lat=-6.9, lng=107.6)
    with Image.open(io.BytesIO(photo)) as original:
        assert original.getexif().get_ifd(GPS_IFD)  # the upload does carry a GPS point
    client.force_login(staff_member.user)
    response = _article_post(client, photo, name="foto.jpg", content_type="image/jpeg")
    assert response.status_code == 302
    article = Article.objects.get()
    assert _gps_of(article.image.name) == {}
    with default_storage.open(article.image.name, "rb") as handle, Image.open(handle) as image:
        assert image.size == (300, 200)


def test_attendance_sheet_photo_is_stored_without_its_gps_point(
    coordinator_member, programme, media
):
    activity = ActivityFactory(
        programme=programme, partner=coordinator_member.partner, status="held"
    )
    sheet = SimpleUploadedFile(
        "hadir.jpg", make_jpeg(lat=-6.9, lng=107.6), content_type="image/jpeg"
    )
    sheet.checked_kind = "jpeg"
    report = services.report_submit(
        membership=coordinator_member,
        activity_id=activity.pk,
        attendance_total=10,
        attendance_sheet=sheet,
    )
    assert _gps_of(report.attendance_sheet.name) == {}
