"""Photo handling: resize with Pillow and read the EXIF facts (date taken, GPS point).

Stored photos are re-encoded without EXIF (the GPS point of a participant's phone is personal
data); the facts the verifier needs are kept in `Evidence` fields instead.
"""

from __future__ import annotations

import datetime
import io
import math
from dataclasses import dataclass
from typing import IO, Any

from django.utils import timezone
from PIL import Image, ImageOps

MAX_SIDE = 1600
JPEG_QUALITY = 82
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
TAG_DATETIME = 306
TAG_DATETIME_ORIGINAL = 36867


@dataclass(frozen=True)
class PhotoFacts:
    data: bytes
    width: int
    height: int
    taken_at: datetime.datetime | None
    lat: float | None
    lng: float | None


def _to_degrees(value: Any) -> float:
    d, m, s = (float(x) for x in value)
    return d + m / 60 + s / 3600


def _parse_gps(gps: Any) -> tuple[float | None, float | None]:
    try:
        lat = _to_degrees(gps[2])
        lng = _to_degrees(gps[4])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if str(gps.get(1, "N")).upper().startswith("S"):
        lat = -lat
    if str(gps.get(3, "E")).upper().startswith("W"):
        lng = -lng
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None, None
    return lat, lng


def _parse_datetime(raw: Any) -> datetime.datetime | None:
    if not raw:
        return None
    text = raw.decode(errors="ignore") if isinstance(raw, bytes) else str(raw)
    try:
        # EXIF dates carry no zone: parsed naive here, made aware just below.
        naive = datetime.datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
    except ValueError:
        return None
    # Cameras write local time without a zone; take it as the office's time zone.
    return timezone.make_aware(naive)


def read_photo(source: IO[bytes]) -> PhotoFacts:
    """Resize to at most MAX_SIDE px (JPEG, EXIF removed) and read date and GPS point."""
    source.seek(0)
    with Image.open(source) as image:
        exif = image.getexif()
        taken_at = _parse_datetime(exif.get_ifd(EXIF_IFD).get(TAG_DATETIME_ORIGINAL))
        if taken_at is None:
            taken_at = _parse_datetime(exif.get(TAG_DATETIME))
        lat, lng = _parse_gps(exif.get_ifd(GPS_IFD))
        upright = ImageOps.exif_transpose(image) or image
        rgb = upright.convert("RGB")
        rgb.thumbnail((MAX_SIDE, MAX_SIDE))
        buffer = io.BytesIO()
        rgb.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return PhotoFacts(
        data=buffer.getvalue(),
        width=rgb.width,
        height=rgb.height,
        taken_at=taken_at,
        lat=lat,
        lng=lng,
    )


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def make_jpeg(
    *,
    size: tuple[int, int] = (640, 480),
    color: tuple[int, int, int] = (30, 90, 160),
    taken_at: datetime.datetime | None = None,
    lat: float | None = None,
    lng: float | None = None,
) -> bytes:
    """A generated JPEG with EXIF date and GPS (demo data and tests)."""
    from PIL import ImageDraw
    from PIL.TiffImagePlugin import IFDRational

    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 8, size[1] // 8, size[0] // 2, size[1] // 2), fill=(240, 200, 40))
    exif = Image.Exif()
    if taken_at is not None:
        stamp = timezone.localtime(taken_at).strftime("%Y:%m:%d %H:%M:%S")
        exif[TAG_DATETIME] = stamp
        exif.get_ifd(EXIF_IFD)[TAG_DATETIME_ORIGINAL] = stamp

    def dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
        value = abs(value)
        d = int(value)
        m = int((value - d) * 60)
        s = round((value - d - m / 60) * 3600, 2)
        return (IFDRational(d, 1), IFDRational(m, 1), IFDRational(int(s * 100), 100))

    if lat is not None and lng is not None:
        gps = exif.get_ifd(GPS_IFD)
        gps[1] = "S" if lat < 0 else "N"
        gps[2] = dms(lat)
        gps[3] = "W" if lng < 0 else "E"
        gps[4] = dms(lng)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70, exif=exif)
    return buffer.getvalue()
