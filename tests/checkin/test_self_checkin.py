import datetime

import pytest
import time_machine
from django.urls import reverse

from mitra.checkin.models import CheckIn, CheckinPoint
from mitra.checkin.selectors import point_by_token
from mitra.checkin.services import RATE_LIMIT_PER_MINUTE
from tests.checkin.factories import ActivityFactory, CheckinPointFactory

pytestmark = pytest.mark.django_db


def _answers(nonce="n" * 32, **extra):
    data = {
        "age_band": "17-21",
        "gender": "f",
        "kelurahan": "luar",
        "first_time_voter": "1",
        "disability": "",
        "name": "",
        "pledge": "on",
        "consent": "on",
        "sensitive_consent": "on",
        "nonce": nonce,
    }
    data.update(extra)
    return data


def test_tokens_are_long_random_and_never_the_id(programme):
    points = [CheckinPointFactory(activity=ActivityFactory(programme=programme)) for _ in range(5)]
    tokens = {p.token for p in points}
    assert len(tokens) == 5
    for p in points:
        assert len(p.token) >= 20
        assert reverse("checkin:self", args=[p.token]) == f"/hadir/{p.token}/"
    # no shared structure between consecutive tokens (not a counter, not a hash of the id)
    assert len({t[:4] for t in tokens}) == 5


def test_wrong_or_enumerated_token_is_404(client, point):
    assert client.get(reverse("checkin:self", args=[point.token])).status_code == 200
    for guess in [
        point.token[:-1] + ("A" if point.token[-1] != "A" else "B"),
        str(point.activity_id),
        "1",
        "x" * 41,
    ]:
        assert client.get(reverse("checkin:self", args=[guess])).status_code == 404


def test_draft_activity_token_is_404(client, point):
    point.activity.status = "draft"
    point.activity.save(update_fields=["status"])
    assert point_by_token(token=point.token) is None
    assert client.get(reverse("checkin:self", args=[point.token])).status_code == 404


def test_self_checkin_records_answers_and_pledge(client, point):
    url = reverse("checkin:self", args=[point.token])
    client.get(url)
    kelurahan = "32.73.01.1001"
    response = client.post(url, _answers(kelurahan=kelurahan, name="Ani"))
    assert response.status_code == 200
    assert "kehadiran Anda tercatat" in response.content.decode()
    checkin = CheckIn.objects.get()
    assert checkin.how == "self" and checkin.pledge and checkin.first_time_voter
    assert checkin.kelurahan_id == kelurahan and checkin.name == "Ani"
    assert checkin.device_hash and len(checkin.device_hash) == 64


def test_name_without_consent_is_refused(client, point):
    url = reverse("checkin:self", args=[point.token])
    client.get(url)
    response = client.post(url, _answers(name="Ani", consent=""))
    assert response.status_code == 200
    assert CheckIn.objects.count() == 0
    assert "persetujuan" in response.content.decode()


def test_one_checkin_per_device(client, point):
    url = reverse("checkin:self", args=[point.token])
    client.get(url)
    client.post(url, _answers(nonce="a" * 32))
    again = client.post(url, _answers(nonce="b" * 32))
    assert "Anda sudah tercatat hadir" in again.content.decode()
    assert "Anda sudah tercatat hadir" in client.get(url).content.decode()
    assert CheckIn.objects.count() == 1
    # another phone (a fresh client, no cookie) counts separately
    from django.test import Client

    other = Client()
    other.get(url)
    other.post(url, _answers(nonce="c" * 32))
    assert CheckIn.objects.count() == 2


def test_window_opens_one_hour_before_and_closes_three_hours_after_start(client, programme):
    start = datetime.datetime(2024, 10, 20, 9, 0, tzinfo=datetime.UTC)
    activity = ActivityFactory(
        programme=programme, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    point = CheckinPointFactory(activity=activity)
    url = reverse("checkin:self", args=[point.token])
    cases = [
        (start - datetime.timedelta(minutes=61), False),
        (start - datetime.timedelta(minutes=59), True),
        (start + datetime.timedelta(hours=2, minutes=59), True),
        (start + datetime.timedelta(hours=3, minutes=1), False),
    ]
    for i, (moment, open_) in enumerate(cases):
        with time_machine.travel(moment, tick=False):
            from django.test import Client

            c = Client()
            c.get(url)
            body = c.post(url, _answers(nonce=f"{i:032d}")).content.decode()
            assert ("tercatat" in body) is open_, moment
    assert CheckIn.objects.count() == 2


def test_window_is_configurable(client, programme):
    start = datetime.datetime(2024, 10, 20, 9, 0, tzinfo=datetime.UTC)
    activity = ActivityFactory(
        programme=programme, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    point = CheckinPointFactory(activity=activity, opens_before_minutes=10, closes_after_minutes=30)
    assert not point.is_open(start - datetime.timedelta(minutes=11))
    assert point.is_open(start - datetime.timedelta(minutes=9))
    # closes at the end when the activity lasts longer than the window
    assert point.is_open(start + datetime.timedelta(minutes=59))
    assert not point.is_open(start + datetime.timedelta(minutes=61))


def test_rate_limit_per_ip_answers_429_in_indonesian(client, point):
    url = reverse("checkin:self", args=[point.token])
    # The clock stands still inside the check-in window, so the posts cannot straddle a
    # minute (the limiter itself is tested across boundaries in tests/core).
    with time_machine.travel(point.activity.starts_at, tick=False):
        client.get(url)
        statuses = [
            client.post(url, {"age_band": ""}, REMOTE_ADDR="10.0.0.9").status_code
            for _ in range(RATE_LIMIT_PER_MINUTE + 1)
        ]
        assert statuses[:RATE_LIMIT_PER_MINUTE] == [200] * RATE_LIMIT_PER_MINUTE
        assert statuses[-1] == 429
        response = client.post(url, _answers(), REMOTE_ADDR="10.0.0.9")
        assert response.status_code == 429
        assert "Terlalu banyak percobaan" in response.content.decode()
        # another address is not affected
        assert client.post(url, _answers(), REMOTE_ADDR="10.0.0.10").status_code == 200


def test_pledge_shows_the_programme_voting_day(client, point):
    body = client.get(reverse("checkin:self", args=[point.token])).content.decode()
    assert "Saya akan memilih pada 27 November 2024" in body
    assert "Luar Bandung" in body


def test_point_created_once(activity):
    from mitra.checkin.services import checkin_point_ensure

    a = checkin_point_ensure(activity=activity)
    b = checkin_point_ensure(activity=activity)
    assert a.pk == b.pk and CheckinPoint.objects.count() == 1
