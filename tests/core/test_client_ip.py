"""The client address comes from X-Forwarded-For only through a configured trusted proxy."""

import pytest
from django.test import RequestFactory

from mitra.checkin.services import RATE_LIMIT_PER_MINUTE
from mitra.core.network import client_ip
from tests.checkin.factories import ActivityFactory, CheckinPointFactory
from tests.checkin.test_self_checkin_api import _body, _post
from tests.factories import PASSWORD

PROXY = "127.0.0.1"


def _ip(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], PROXY, "203.0.113.9", PROXY),  # no proxy configured: the header is ignored
        ([PROXY], PROXY, "203.0.113.9", "203.0.113.9"),
        ([PROXY], "198.51.100.1", "203.0.113.9", "198.51.100.1"),  # not from the proxy
        ([PROXY], PROXY, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged first entry
        (["10.0.0.0/8", PROXY], PROXY, "203.0.113.9, 10.1.2.3", "203.0.113.9"),  # two hops
        ([PROXY], PROXY, "", PROXY),
        ([PROXY], PROXY, "garbage", PROXY),
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    assert _ip(remote, forwarded) == expected


def _login(client, email, password, ip):
    return client.post(
        "/akun/masuk/",
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=ip,
    )


@pytest.mark.django_db
def test_behind_the_proxy_an_attacker_does_not_lock_the_real_user_out(
    client, settings, staff_member
):
    settings.TRUSTED_PROXIES = [PROXY]
    email = staff_member.user.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, email, "salah", "203.0.113.9")
    assert _login(client, email, "salah", "203.0.113.9").status_code == 429
    victim = _login(client, email, PASSWORD, "198.51.100.7")
    assert victim.status_code == 302  # signed in from their own address


@pytest.mark.django_db
def test_behind_the_proxy_attendees_have_their_own_check_in_bucket(client, settings, programme):
    settings.TRUSTED_PROXIES = [PROXY]
    point = CheckinPointFactory(activity=ActivityFactory(programme=programme))

    def post(i, ip):
        body = _body(point, device=f"device-{i:012d}")
        return _post(client, body, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ip).status_code

    statuses = [post(i, "203.0.113.9") for i in range(RATE_LIMIT_PER_MINUTE + 1)]
    assert statuses[-1] == 429
    assert post(999, "198.51.100.7") == 200  # another attendee behind the same proxy


@pytest.mark.django_db
def test_a_forged_header_without_a_trusted_proxy_does_not_escape_the_limit(client, programme):
    point = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    statuses = [
        _post(
            client,
            _body(point, device=f"device-{i:012d}"),
            REMOTE_ADDR="192.0.2.4",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        ).status_code
        for i in range(RATE_LIMIT_PER_MINUTE + 1)
    ]
    assert statuses[-1] == 429
