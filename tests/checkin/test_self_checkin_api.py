"""POST /api/v1/checkin/self: the poster's check-in as a public JSON endpoint."""

import datetime
import json
import uuid

import pytest
import time_machine
from django.test import Client

from mitra.checkin.models import CheckIn
from mitra.checkin.services import RATE_LIMIT_PER_MINUTE
from tests.checkin.factories import ActivityFactory, CheckinPointFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/checkin/self"


def _body(point, *, device="device-aaaaaaaaaaaa", nonce=None, **extra):
    body = {
        "token": point.token,
        "device_id": device,
        "nonce": nonce or uuid.uuid4().hex,
        "age_band": "17-21",
        "gender": "f",
        "kelurahan": "luar",
        "first_time_voter": True,
        "pledge": True,
        "sensitive_consent": True,
    }
    body.update(extra)
    return body


def _post(client, body, **extra):
    return client.post(URL, json.dumps(body), content_type="application/json", **extra)


def test_schema_lists_the_self_checkin_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert not operation.get("security")  # public: the poster token identifies the activity
    assert {"200", "400", "404", "429"} <= set(operation["responses"])


def test_self_checkin_records_answers_without_login(point):
    client = Client(enforce_csrf_checks=True)
    response = _post(client, _body(point, kelurahan="32.73.01.1001", name="Ani", consent=True))
    assert response.status_code == 200, response.content
    assert response.json()["result"] == "recorded"
    assert response.json()["activity"] == point.activity.title
    checkin = CheckIn.objects.get()
    assert checkin.how == "self" and checkin.pledge and checkin.first_time_voter
    assert checkin.kelurahan_id == "32.73.01.1001" and checkin.name == "Ani"
    # the raw device id is never stored, only its keyed hash
    assert checkin.device_hash and "device-aaaa" not in checkin.device_hash


def test_repeated_device_is_already_checked_in(client, point):
    first = _post(client, _body(point))
    assert first.json()["result"] == "recorded"
    again = _post(client, _body(point))  # same device (its cookie), new nonce
    assert again.status_code == 200
    assert again.json()["result"] == "already_checked_in"
    assert again.json()["message"] == "Anda sudah tercatat hadir"
    assert CheckIn.objects.count() == 1
    # a device id the client makes up is not believed: still the same device
    forged = _post(client, _body(point, device="device-bbbbbbbbbbbb"))
    assert forged.json()["result"] == "already_checked_in"
    # a client without cookies is recognised by the signed id it was given
    token = first.json()["device_id"]
    cookieless = _post(Client(), _body(point, device=token))
    assert cookieless.json()["result"] == "already_checked_in"
    # another device counts separately
    other = _post(Client(), _body(point))
    assert other.json()["result"] == "recorded"
    assert CheckIn.objects.count() == 2


def test_made_up_device_ids_do_not_count_a_cookie_keeping_client_twice(client, point):
    statuses = [
        _post(client, _body(point, device=f"device-{i:012d}")).json()["result"] for i in range(25)
    ]
    assert statuses.count("recorded") == 1
    assert CheckIn.objects.count() == 1


def test_same_nonce_is_idempotent(client, point):
    nonce = uuid.uuid4().hex
    _post(client, _body(point, nonce=nonce))
    again = _post(client, _body(point, nonce=nonce))
    assert again.json()["result"] == "already_checked_in"
    assert CheckIn.objects.count() == 1


def test_refused_outside_the_window(client, programme):
    start = datetime.datetime(2024, 10, 20, 9, 0, tzinfo=datetime.UTC)
    activity = ActivityFactory(
        programme=programme, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    point = CheckinPointFactory(activity=activity)
    with time_machine.travel(start - datetime.timedelta(minutes=61), tick=False):
        early = _post(client, _body(point))
    assert early.status_code == 400
    assert early.json()["code"] == "outside_window"
    assert "belum dibuka" in early.json()["detail"]
    with time_machine.travel(start + datetime.timedelta(hours=3, minutes=1), tick=False):
        late = _post(client, _body(point))
    assert late.status_code == 400 and late.json()["code"] == "outside_window"
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        assert _post(client, _body(point)).json()["result"] == "recorded"
    assert CheckIn.objects.count() == 1


def test_self_checkin_turned_off_is_refused(client, point):
    point.self_checkin = False
    point.save(update_fields=["self_checkin"])
    response = _post(client, _body(point))
    assert response.status_code == 400 and response.json()["code"] == "closed"
    assert CheckIn.objects.count() == 0


def test_unknown_or_draft_token_is_404(client, point):
    assert _post(client, _body(point, token=point.token[:-1] + "#")).status_code == 404
    point.activity.status = "draft"
    point.activity.save(update_fields=["status"])
    assert _post(client, _body(point)).status_code == 404


def test_form_rules_apply(client, point):
    no_consent = _post(client, _body(point, name="Ani", consent=False))
    assert no_consent.status_code == 400 and no_consent.json()["code"] == "invalid"
    assert "persetujuan" in no_consent.json()["detail"]
    bad_band = _post(client, _body(point, age_band="99"))
    assert bad_band.status_code == 400 and "age_band" in bad_band.json()["detail"]
    bad_area = _post(client, _body(point, kelurahan="31.71.01.1001"))  # not in this city
    assert bad_area.status_code == 400
    assert CheckIn.objects.count() == 0


def test_rate_limit_per_ip_answers_429(client, point):
    # A clock that stands still: the posts cannot straddle a minute however slow the run.
    # A client that drops its cookie each time is a new device each time: the per-address
    # limit is what bounds it.
    with time_machine.travel(point.activity.starts_at, tick=False):
        statuses = [
            _post(Client(), _body(point), REMOTE_ADDR="10.0.0.9").status_code
            for i in range(RATE_LIMIT_PER_MINUTE + 1)
        ]
        limited = _post(client, _body(point, device="device-late00000000"), REMOTE_ADDR="10.0.0.9")
    assert statuses[:RATE_LIMIT_PER_MINUTE] == [200] * RATE_LIMIT_PER_MINUTE
    assert statuses[-1] == 429
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert "Terlalu banyak percobaan" in limited.json()["detail"]
    assert CheckIn.objects.count() == RATE_LIMIT_PER_MINUTE
    # another address is not affected
    other = _post(client, _body(point, device="device-other0000000"), REMOTE_ADDR="10.0.0.10")
    assert other.status_code == 200
