"""The device id behind "one self check-in per device per activity", issued by the server.

A client could otherwise choose a new id for every post and be counted again each time.
The id is random, made here, and travels signed: in a cookie for the web page and the API
alike, and (for API clients that keep no cookies) as a signed token in the API's answer
that the client sends back as `device_id`. A value the server did not sign is ignored and
a new id is issued; per-activity rate limits still bound what a client without its id can
do. Only a keyed hash of the id is stored (`services.self_checkin`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

DEVICE_COOKIE = "mitra_device"
DEVICE_SALT = "mitra.checkin.device"
DEVICE_MAX_AGE = 400 * 24 * 3600


def device_from_request(request: HttpRequest, *, token: str = "") -> tuple[str, bool]:
    """The device's id from its signed cookie or signed token; (id, is_new)."""
    try:
        value = request.get_signed_cookie(
            DEVICE_COOKIE, salt=DEVICE_SALT, default=None, max_age=DEVICE_MAX_AGE
        )
    except signing.BadSignature:
        value = None
    if not value and token:
        try:
            value = signing.TimestampSigner(salt=DEVICE_SALT).unsign(token, max_age=DEVICE_MAX_AGE)
        except signing.BadSignature:
            value = None
    if value:
        return value, False
    return secrets.token_urlsafe(16), True


def device_token(device_id: str) -> str:
    """The id signed, for API clients to send back as `device_id`."""
    return signing.TimestampSigner(salt=DEVICE_SALT).sign(device_id)


def remember_device(response: HttpResponse, device_id: str) -> None:
    response.set_signed_cookie(
        DEVICE_COOKIE,
        device_id,
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
