"""Redis is optional in practice, not only on paper: with the cache configured and its
server killed (our own redis-server on a spare port, SIGKILL by PID), every page and write
works from PostgreSQL and nothing a visitor or a scanner did is lost."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
import redis
from django.test import Client
from django.urls import reverse

from mitra.accounts.services import api_token_create
from mitra.activities import services as activity_services
from mitra.activities.models import Activity
from mitra.checkin.models import CheckIn, Registration
from tests.checkin.factories import ActivityFactory, CheckinPointFactory, RegistrationFactory
from tests.portal.factories import ArticleFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


SELF_CHECKIN = {
    "age_band": "17-21",
    "gender": "f",
    "kelurahan": "luar",
    "first_time_voter": "1",
    "pledge": "on",
    "consent": "on",
    "sensitive_consent": "on",
}


def _scan(client: Client, activity_id: int, secret: str, nonce: str):
    body = {"activity_id": activity_id, "secret": secret, "nonce": nonce}
    return client.post("/api/v1/checkin/scans", json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_every_page_and_write_works_with_redis_dead(redis_server, office, programme, staff_member):
    article = ArticleFactory(office=office)
    point = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    reg_point = CheckinPointFactory(
        activity=ActivityFactory(programme=programme), requires_registration=True, capacity=5
    )
    ticket = RegistrationFactory(activity=point.activity)
    submitted = ActivityFactory(programme=programme, status="submitted")
    key = api_token_create(user=staff_member.user)
    scanner = Client(HTTP_AUTHORIZATION=f"Token {key}")
    visitor = Client()
    assert visitor.get("/").status_code == 200  # fills the caches while Redis is up
    assert scanner.get("/api/v1/partners").status_code == 200
    assert redis.Redis(port=redis_server.port).dbsize() > 0  # the cache was in use

    redis_server.kill()
    started = time.monotonic()

    assert visitor.get("/").status_code == 200
    page = visitor.get(f"/berita/{article.slug}/", HTTP_USER_AGENT=BROWSER)
    assert page.status_code == 200 and "Dilihat 1 kali" in page.content.decode()
    assert scanner.get("/api/v1/partners").status_code == 200
    scan = _scan(scanner, point.activity_id, ticket.secret, uuid.uuid4().hex)
    assert scan.status_code == 200 and scan.json()["result"] == "accepted"

    url = reverse("checkin:self", args=[point.token])
    visitor.get(url)
    response = visitor.post(url, {**SELF_CHECKIN, "nonce": "s" * 32})
    assert response.status_code == 200 and "kehadiran Anda tercatat" in response.content.decode()

    register = reverse("checkin:register", args=[reg_point.token])
    response = Client().post(register, {"name": "Sari", "consent": "on"})
    assert response.status_code == 302

    activity_services.activity_approve(membership=staff_member, activity_id=submitted.pk)

    elapsed = time.monotonic() - started
    assert CheckIn.objects.filter(how="ticket", activity=point.activity).count() == 1
    assert CheckIn.objects.filter(how="self", activity=point.activity).count() == 1
    assert Registration.objects.filter(activity=reg_point.activity, name="Sari").exists()
    assert Activity.objects.get(pk=submitted.pk).status == "approved"
    assert elapsed < 10, f"the outage made requests slow: {elapsed:.1f} s"

    # Back up (empty, as after a crash): the caches fill again and the token still works.
    redis_server.start()
    assert scanner.get("/api/v1/partners").status_code == 200
    assert visitor.get("/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_redis_killed_during_a_burst_of_scans_loses_and_doubles_nothing(
    redis_server, programme, staff_member
):
    point = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    tickets = [RegistrationFactory(activity=point.activity) for _ in range(60)]
    key = api_token_create(user=staff_member.user)
    answers: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    def scan_all(part: list[Registration]) -> None:
        from django.db import connections

        try:
            client = Client(HTTP_AUTHORIZATION=f"Token {key}")
            for ticket in part:
                nonce = uuid.uuid4().hex
                for _attempt in range(2):  # the scanner retries with the same nonce
                    response = _scan(client, point.activity_id, ticket.secret, nonce)
                    answers.append((response.status_code, response.json().get("result", "")))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan_all, args=(tickets[i::3],)) for i in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    redis_server.kill()  # mid-burst
    time.sleep(0.5)
    redis_server.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert {status for status, _result in answers} == {200}
    assert CheckIn.objects.filter(activity=point.activity, how="ticket").count() == 60
    assert sum(result == "accepted" for _status, result in answers) == 120  # replays included


@pytest.mark.django_db
def test_signed_in_pages_work_with_redis_dead_and_its_copies_are_short_lived(
    redis_server, programme, staff_member, settings
):
    """The session and the signed-in person are read from Redis (accounts.sessions,
    accounts.member_cache): kept there no longer than MEMBER_CACHE_SECONDS, and read from
    PostgreSQL while it is down."""
    staff = Client()
    staff.force_login(staff_member.user)
    assert staff.get("/kegiatan/").status_code == 200
    assert staff.get("/kegiatan/").status_code == 200  # served from the copies
    server = redis.Redis(port=redis_server.port)
    kept = {
        "session": server.keys("*django.contrib.sessions.cached_db*"),
        "member": server.keys(f"*member:v1:{staff_member.user_id}"),
    }
    for name, keys in kept.items():
        assert len(keys) == 1, name
        assert 0 < server.ttl(keys[0]) <= settings.MEMBER_CACHE_SECONDS, name

    redis_server.kill()
    for url in ("/kegiatan/", "/mitra/", "/analitik/"):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert 'action="/akun/keluar/"' in response.content.decode(), url

    redis_server.start()  # empty, as after a crash: still signed in, from the database
    for _ in range(2):  # the office noted at sign-in is gone too: noted again, then kept
        assert staff.get("/kegiatan/").status_code == 200
    assert server.keys(f"*member:v1:{staff_member.user_id}")
