import datetime
import json
import threading
import uuid
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from mitra.accounts.services import api_token_create
from mitra.checkin.models import CheckIn, RefusedScan
from tests.checkin.factories import ActivityFactory, CheckinPointFactory, RegistrationFactory
from tests.factories import MembershipFactory, PartnerFactory

SCAN = "/api/v1/checkin/scans"
TALLY = "/api/v1/checkin/tallies"


def _token_client(membership):
    key = api_token_create(user=membership.user)
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def _scan(client, activity, secret, nonce=None, **extra):
    body = {"activity_id": activity.pk, "secret": secret, "nonce": nonce or uuid.uuid4().hex}
    body.update(extra)
    return client.post(SCAN, json.dumps(body, default=str), content_type="application/json")


@pytest.mark.django_db
def test_ticket_scan_accepts_once_then_already_used(staff_member, point):
    client = _token_client(staff_member)
    reg = RegistrationFactory(activity=point.activity, name="Budi")
    first = _scan(client, point.activity, reg.secret)
    assert first.status_code == 200, first.content
    assert first.json()["result"] == "accepted"
    assert first.json()["name"] == "Budi"  # staff may see personal data
    second = _scan(client, point.activity, reg.secret)
    assert second.json() == {**second.json(), "result": "refused", "reason": "already_used"}
    assert CheckIn.objects.filter(how="ticket").count() == 1
    assert RefusedScan.objects.get().reason == "already_used"


@pytest.mark.django_db
def test_qr_text_with_ticket_url_is_understood(staff_member, point):
    reg = RegistrationFactory(activity=point.activity)
    response = _scan(
        _token_client(staff_member), point.activity, f"http://x.test/hadir/tiket/{reg.secret}/"
    )
    assert response.json()["result"] == "accepted"


@pytest.mark.django_db
def test_same_nonce_replay_returns_the_original_result(staff_member, point):
    client = _token_client(staff_member)
    reg = RegistrationFactory(activity=point.activity)
    nonce = uuid.uuid4().hex
    a = _scan(client, point.activity, reg.secret, nonce).json()
    b = _scan(client, point.activity, reg.secret, nonce).json()
    assert a["result"] == b["result"] == "accepted"
    assert not a["replay"] and b["replay"]
    assert a["received_at"] == b["received_at"]
    unknown = uuid.uuid4().hex
    c = _scan(client, point.activity, "tidak-ada", unknown).json()
    d = _scan(client, point.activity, "tidak-ada", unknown).json()
    assert c["reason"] == d["reason"] == "unknown_ticket" and d["replay"]
    assert CheckIn.objects.count() == 1 and RefusedScan.objects.count() == 1


@pytest.mark.django_db
def test_refusal_reasons(staff_member, programme):
    client = _token_client(staff_member)
    here = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    there = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    other_ticket = RegistrationFactory(activity=there.activity)
    assert _scan(client, here.activity, other_ticket.secret).json()["reason"] == "other_activity"
    assert _scan(client, here.activity, "xyz").json()["reason"] == "unknown_ticket"
    late = RegistrationFactory(activity=here.activity)
    old = timezone.now() - datetime.timedelta(days=2)
    response = _scan(client, here.activity, late.secret, scanned_at=old.isoformat())
    assert response.json()["reason"] == "outside_window"
    waiting = RegistrationFactory(activity=here.activity, status="waiting", position=1)
    assert _scan(client, here.activity, waiting.secret).json()["reason"] == "not_confirmed"
    refused = RefusedScan.objects.get(reason="outside_window")
    assert refused.scanned_at == old and refused.received_at > old


@pytest.mark.django_db
def test_scan_time_and_receipt_time_are_kept_apart(staff_member, point):
    reg = RegistrationFactory(activity=point.activity)
    scanned = timezone.now() - datetime.timedelta(minutes=5)
    _scan(_token_client(staff_member), point.activity, reg.secret, scanned_at=scanned.isoformat())
    checkin = CheckIn.objects.get()
    assert checkin.scanned_at == scanned
    assert checkin.received_at > scanned


@pytest.mark.django_db
def test_api_permissions(client, observer_member, coordinator_member, point, office):
    reg = RegistrationFactory(activity=point.activity)
    # anonymous
    assert _scan(client, point.activity, reg.secret).status_code == 401
    # observer: no right to scan
    assert _scan(_token_client(observer_member), point.activity, reg.secret).status_code == 403
    # coordinator of the activity's partner: allowed
    own = _scan(_token_client(coordinator_member), point.activity, reg.secret)
    assert own.status_code == 200 and own.json()["name"] == ""  # no personal data right
    # coordinator of another partner: the activity does not exist for them
    stranger = MembershipFactory(
        office=office, role="coordinator", partner=PartnerFactory(office=office)
    )
    assert _scan(_token_client(stranger), point.activity, reg.secret).status_code == 404
    counts = _token_client(stranger).get(f"/api/v1/checkin/activities/{point.activity_id}/counts")
    assert counts.status_code == 404


@pytest.mark.django_db
def test_session_auth_needs_csrf(staff_member, point):
    reg = RegistrationFactory(activity=point.activity)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_member.user)
    assert _scan(client, point.activity, reg.secret).status_code == 403
    client.get("/hadir/pindai/")
    token = client.cookies["csrftoken"].value
    body = {"activity_id": point.activity_id, "secret": reg.secret, "nonce": uuid.uuid4().hex}
    ok = client.post(
        SCAN, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert ok.status_code == 200 and ok.json()["result"] == "accepted"


@pytest.mark.django_db
def test_tally_counts_segments_and_is_idempotent(staff_member, point):
    client = _token_client(staff_member)
    nonce = uuid.uuid4().hex
    for segment, n in [("women", nonce), ("women", nonce), ("men", None), ("first_time", None)]:
        body = {
            "activity_id": point.activity_id,
            "segment": segment,
            "nonce": n or uuid.uuid4().hex,
        }
        assert (
            client.post(TALLY, json.dumps(body), content_type="application/json").status_code == 200
        )
    counts = client.get(f"/api/v1/checkin/activities/{point.activity_id}/counts").json()
    assert counts["total"] == 3 and counts["tally"] == 3
    assert counts["women"] == 1 and counts["men"] == 1 and counts["first_time"] == 1


@pytest.mark.django_db
def test_database_unavailable_answers_503_retryable(staff_member, point):
    client = _token_client(staff_member)
    with mock.patch(
        "mitra.checkin.services.ticket_scan", side_effect=OperationalError("server closed")
    ):
        response = _scan(client, point.activity, "abc")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    with mock.patch("mitra.accounts.api.api_token_member", side_effect=OperationalError("down")):
        response = _scan(client, point.activity, "abc")
    assert response.status_code == 503


@pytest.mark.django_db
def test_schema_lists_the_checkin_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/checkin/scans" in paths
    assert "/api/v1/checkin/tallies" in paths
    assert "/api/v1/checkin/activities/{activity_id}/counts" in paths


# --- Parallel requests: one nonce, one answer; one ticket, one admission ----------------


def _parallel(n, target):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(target(i))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_parallel_retries_of_one_nonce_record_one_checkin(staff_member, programme):
    point = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    reg = RegistrationFactory(activity=point.activity)
    key = api_token_create(user=staff_member.user)
    nonce = uuid.uuid4().hex

    def scan(_i):
        client = Client(HTTP_AUTHORIZATION=f"Token {key}")
        response = _scan(client, point.activity, reg.secret, nonce)
        assert response.status_code == 200, response.content
        return response.json()

    results = _parallel(8, scan)
    assert {r["result"] for r in results} == {"accepted"}
    assert sum(not r["replay"] for r in results) == 1
    assert CheckIn.objects.count() == 1
    assert RefusedScan.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_parallel_scans_of_one_ticket_admit_it_once(staff_member, programme):
    point = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    reg = RegistrationFactory(activity=point.activity)
    key = api_token_create(user=staff_member.user)

    def scan(_i):
        client = Client(HTTP_AUTHORIZATION=f"Token {key}")
        return _scan(client, point.activity, reg.secret).json()

    results = _parallel(8, scan)
    assert sum(r["result"] == "accepted" for r in results) == 1
    assert sum(r["reason"] == "already_used" for r in results) == 7
    assert CheckIn.objects.count() == 1 and RefusedScan.objects.count() == 7


@pytest.mark.django_db(transaction=True)
def test_parallel_tallies_lose_nothing(staff_member, programme):
    point = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    key = api_token_create(user=staff_member.user)
    nonces = [uuid.uuid4().hex for _ in range(5)]

    def tap(i):
        client = Client(HTTP_AUTHORIZATION=f"Token {key}")
        body = {"activity_id": point.activity_id, "segment": "general", "nonce": nonces[i % 5]}
        return client.post(TALLY, json.dumps(body), content_type="application/json").status_code

    assert set(_parallel(10, tap)) == {200}
    assert CheckIn.objects.count() == 5


@pytest.mark.django_db
def test_a_scan_costs_a_bounded_number_of_queries(staff_member, point):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    client = _token_client(staff_member)
    reg = RegistrationFactory(activity=point.activity)
    _scan(client, point.activity, RegistrationFactory(activity=point.activity).secret)  # warm
    with CaptureQueriesContext(conn) as ctx:
        response = _scan(client, point.activity, reg.secret)
    assert response.json()["result"] == "accepted"
    # the token comes from the cache; activity, savepoint, ticket lock, prior answer of the
    # nonce and ticket used? (one query), insert, release
    assert len(ctx.captured_queries) <= 6, [q["sql"] for q in ctx.captured_queries]
    with CaptureQueriesContext(conn) as ctx:
        response = _scan(client, point.activity, "no-such-ticket")
    assert response.json()["reason"] == "unknown_ticket"
    assert len(ctx.captured_queries) <= 6, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_cached_token_follows_revocation_and_role_changes(
    settings, coordinator_member, point, office
):
    """With the token lookup cached, a revoked token, a lost right or a move to another
    partner applies on the very next scan (no waiting for the cache to expire)."""
    from mitra.accounts.models import ApiToken, Membership

    settings.API_TOKEN_CACHE_SECONDS = 60
    client = _token_client(coordinator_member)
    reg = RegistrationFactory(activity=point.activity)
    assert _scan(client, point.activity, "warm-1").status_code == 200
    assert _scan(client, point.activity, "warm-2").status_code == 200  # served from the cache
    # Moved to another partner: the activity is no longer theirs.
    other = PartnerFactory(office=office)
    coordinator_member.partner = other
    coordinator_member.save()
    assert _scan(client, point.activity, reg.secret).status_code == 404
    # Back to the activity's partner, then the role becomes observer (bulk update): no right.
    coordinator_member.partner = point.activity.partner
    coordinator_member.save()
    assert _scan(client, point.activity, "warm-3").status_code == 200
    Membership.objects.filter(pk=coordinator_member.pk).update(role="observer", partner=None)
    assert _scan(client, point.activity, reg.secret).status_code == 403
    Membership.objects.filter(pk=coordinator_member.pk).update(
        role="coordinator", partner=point.activity.partner
    )
    assert _scan(client, point.activity, "warm-4").status_code == 200
    # Revoked (a bulk update, as a script would do it): refused at once.
    ApiToken.objects.filter(user=coordinator_member.user).update(revoked_at=timezone.now())
    assert _scan(client, point.activity, reg.secret).status_code == 401
    assert not CheckIn.objects.filter(registration=reg).exists()


@pytest.mark.django_db
def test_session_calls_keep_csrf_even_with_a_bad_token_header(staff_member, point):
    """Token scans need no CSRF token; a session call to the same endpoint without its CSRF
    token is refused, also when it sends a token header that does not authenticate."""
    client = _token_client(staff_member)
    response = _scan(client, point.activity, RegistrationFactory(activity=point.activity).secret)
    assert response.status_code == 200 and response.json()["result"] == "accepted"
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_member.user)
    reg = RegistrationFactory(activity=point.activity)
    assert _scan(browser, point.activity, reg.secret).status_code == 403
    # A session call that also sends a bogus token header is not let through either.
    body = {"activity_id": point.activity_id, "secret": reg.secret, "nonce": uuid.uuid4().hex}
    forged = browser.post(
        SCAN, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION="Token nope"
    )
    assert forged.status_code == 403
    assert not CheckIn.objects.filter(registration=reg).exists()
