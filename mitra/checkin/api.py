"""Attendance API: self check-in, ticket scans and tallies (idempotent by nonce), live counts.

Self check-in (`POST checkin/self`) is public like the poster's page: the poster token in the
body identifies the activity, and the same form, window, one-per-device rule (a device id the
client keeps, stored only as a keyed hash), per-IP rate limit and nonce apply as on the page.

Scanner devices authenticate with `Authorization: Token <key>` (`manage.py api_token`); the
scanner page uses the browser session (with its CSRF token). When the database does not
answer, the API answers 503 `{"detail", "code": "unavailable", "retryable": true}`
(`mitra.core.api`), so the scanner keeps its queue and retries; nothing is acknowledged
before it is committed.
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from mitra.accounts.api import authenticated
from mitra.accounts.selectors import request_membership
from mitra.core.errors import NotFoundError
from mitra.core.inputs import InputSchema, id_field
from mitra.core.network import client_ip
from mitra.core.personal_data import CHANNEL_API
from mitra.elections.models import Programme

from . import selectors, services
from .devices import device_from_request, device_token, remember_device
from .forms import OUTSIDE, SelfCheckinForm
from .models import AgeBand, Gender, RefusalReason
from .services import TALLY_SEGMENTS

router = Router(tags=["checkin"])
T = TypeVar("T")


class ScanIn(InputSchema):
    activity_id: int = id_field()
    secret: str = Field(..., max_length=200, description="the ticket's secret (or its QR text)")
    nonce: str = Field(
        ..., min_length=8, max_length=64, description="client-generated, unique per scan"
    )
    scanned_at: datetime.datetime | None = Field(None, description="the device's time of the scan")
    device: str = Field("", max_length=100)


class TallyIn(InputSchema):
    activity_id: int = id_field()
    segment: str = Field(..., max_length=40, description=", ".join(TALLY_SEGMENTS))
    nonce: str = Field(..., min_length=8, max_length=64)
    scanned_at: datetime.datetime | None = None
    device: str = Field("", max_length=100)


class ScanOut(Schema):
    nonce: str
    result: str = Field(..., description="accepted | refused")
    reason: str = Field("", description=" | ".join(RefusalReason.values))
    message: str
    replay: bool = Field(..., description="true when this nonce was already recorded")
    scanned_at: datetime.datetime
    received_at: datetime.datetime
    name: str = ""


class Problem(Schema):
    detail: str
    code: str


class CountsOut(Schema):
    activity_id: int
    total: int
    self_checkin: int
    ticket: int
    tally: int
    women: int
    men: int
    first_time: int
    disability: int
    pledge: int
    outside_city: int
    age_bands: dict[str, int]
    registrations_confirmed: int
    registrations_waiting: int
    refused: int


def _secret_of(text: str) -> str:
    """The QR holds the ticket page's URL; a bare secret is accepted too."""
    text = text.strip()
    marker = "/hadir/tiket/"
    if marker in text:
        text = text.split(marker, 1)[1]
    return text.split("/", 1)[0].split("?", 1)[0]


def _out(result: services.ScanResult, nonce: str) -> dict[str, Any]:
    message = (
        _("Diterima")
        if result.accepted
        else str(RefusalReason(result.reason).label)
        if result.reason in RefusalReason.values
        else result.reason
    )
    return {
        "nonce": nonce,
        "result": result.result,
        "reason": result.reason,
        "message": message,
        "replay": result.replay,
        "scanned_at": result.scanned_at,
        "received_at": result.received_at,
        "name": result.name,
    }


RESPONSES: dict[int, Any] = {200: ScanOut, 400: Problem, 403: Problem, 404: Problem, 503: Problem}


@router.post("checkin/scans", response=RESPONSES, auth=authenticated, url_name="checkin_scan")
def scan(request: HttpRequest, payload: ScanIn) -> dict[str, Any]:
    """Record a ticket scan once per nonce: accepted, or refused with a reason code.

    Retrying the same nonce returns the original answer (`replay: true`).
    """
    membership = request_membership(request)
    result = services.ticket_scan(
        membership=membership,
        activity_id=payload.activity_id,
        secret=_secret_of(payload.secret),
        nonce=payload.nonce,
        scanned_at=payload.scanned_at,
        device=payload.device,
    )
    return _out(result, payload.nonce)


@router.post("checkin/tallies", response=RESPONSES, auth=authenticated, url_name="checkin_tally")
def tally(request: HttpRequest, payload: TallyIn) -> dict[str, Any]:
    """Count one walk-in of a segment (headcount mode); idempotent by nonce."""
    membership = request_membership(request)
    result = services.tally_record(
        membership=membership,
        activity_id=payload.activity_id,
        segment=payload.segment,
        nonce=payload.nonce,
        scanned_at=payload.scanned_at,
        device=payload.device,
    )
    return _out(result, payload.nonce)


@router.get(
    "checkin/activities/{activity_id}/counts",
    response={200: CountsOut, 403: Problem, 404: Problem, 503: Problem},
    auth=authenticated,
    url_name="checkin_counts",
)
def counts(request: HttpRequest, activity_id: int) -> dict[str, Any] | HttpResponse:
    """Checked-in counts of an activity by how and by segment."""
    membership = request_membership(request)

    if selectors.managed_activity(membership=membership, activity_id=activity_id) is None:
        raise NotFoundError(_("Kegiatan tidak ditemukan."), code="not_found")
    row = selectors.checkin_counts(activity_id=activity_id)
    return {
        "activity_id": activity_id,
        "total": row["total"],
        "self_checkin": row["self_checkin"],
        "ticket": row["ticket"],
        "tally": row["tally"],
        "women": row["women"],
        "men": row["men"],
        "first_time": row["first_time"],
        "disability": row["disability"],
        "pledge": row["pledge"],
        "outside_city": row["outside_city"],
        "age_bands": {str(label): n for label, n in row["age_bands"]},
        "registrations_confirmed": row["confirmed"],
        "registrations_waiting": row["waiting"],
        "refused": row["refused"],
    }


# --- Public self check-in -----------------------------------------------------------------


class SelfCheckinIn(InputSchema):
    token: str = Field(..., max_length=40, description="the token in the poster's QR link")
    device_id: str = Field(
        "",
        max_length=200,
        description=(
            "the signed `device_id` an earlier answer gave this device (clients that keep "
            "the cookie need not send it); one check-in per device per activity, and a value "
            "the server did not issue is ignored"
        ),
    )
    nonce: str = Field(..., min_length=8, max_length=64, description="unique per submission")
    age_band: str = Field(
        "",
        max_length=20,
        description=" | ".join(AgeBand.values) + "; optional, needs `sensitive_consent`",
    )
    gender: str = Field(..., max_length=20, description=" | ".join(Gender.values))
    kelurahan: str = Field(
        ..., max_length=20, description=f"kelurahan code, or '{OUTSIDE}' (outside the city)"
    )
    first_time_voter: bool
    disability: bool | None = Field(None, description="optional; needs `sensitive_consent`")
    name: str = Field("", max_length=120, description="optional; needs consent")
    pledge: bool = False
    consent: bool = False
    sensitive_consent: bool = Field(
        False,
        description="the specific consent to keep age band and disability (counted only in "
        "aggregate); without it they are not accepted",
    )


class SelfCheckinOut(Schema):
    result: str = Field(..., description="recorded | already_checked_in")
    message: str
    activity: str
    checked_in_at: datetime.datetime
    device_id: str = Field(..., description="this device's signed id: send it back next time")


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "1" if value else "0"


def _form_data(payload: SelfCheckinIn) -> dict[str, str]:
    """The body as the web form's fields, so both validate by one form."""
    data = {
        "age_band": payload.age_band,
        "gender": payload.gender,
        "kelurahan": payload.kelurahan,
        "first_time_voter": _yes_no(payload.first_time_voter),
        "disability": _yes_no(payload.disability),
        "name": payload.name,
        "nonce": payload.nonce,
    }
    if payload.pledge:
        data["pledge"] = "on"
    if payload.consent:
        data["consent"] = "on"
    if payload.sensitive_consent:
        data["sensitive_consent"] = "on"
    return data


@router.post(
    "checkin/self",
    response={200: SelfCheckinOut, 400: Problem, 404: Problem, 429: Problem, 503: Problem},
    auth=None,
    url_name="checkin_self",
)
def self_checkin(
    request: HttpRequest, response: HttpResponse, payload: SelfCheckinIn
) -> dict[str, Any]:
    """Check in to an activity by its poster token, as the public check-in page does.

    Refused outside the check-in window (400 `outside_window`/`closed`) and past the per-IP
    rate limit (429 `rate_limited`); a second submission from the same device answers
    `already_checked_in` and records nothing.
    """
    point = selectors.point_by_token(token=payload.token)
    if point is None:
        raise NotFoundError(_("Halaman daftar hadir tidak ditemukan."), code="not_found")
    # The same key as the web page's, so both share one budget per client.
    services.rate_limit(key=f"self:{point.activity_id}:{client_ip(request)}")
    programme: Programme = point.activity.programme
    form = SelfCheckinForm(
        _form_data(payload),
        city=point.office.region,
        voting_day=programme.voting_day.strftime("%d-%m-%Y"),
    )
    if not form.is_valid():
        detail = "; ".join(
            f"{field}: {' '.join(str(m) for m in errors)}" for field, errors in form.errors.items()
        )
        raise services.CheckinError(detail, code="invalid")
    device_id, _new = device_from_request(request, token=payload.device_id)
    checkin, created = services.self_checkin(
        point=point,
        answers=services.SelfAnswers(**form.answers()),
        device_id=device_id,
        nonce=payload.nonce,
        channel=CHANNEL_API,
    )
    remember_device(response, device_id)  # ninja copies the cookie onto the answer
    return {
        "result": "recorded" if created else "already_checked_in",
        "message": _("Terima kasih, kehadiran Anda tercatat")
        if created
        else _("Anda sudah tercatat hadir"),
        "activity": point.activity.title,
        "checked_in_at": checkin.scanned_at,
        "device_id": device_token(device_id),
    }
