"""Admins and staff need a second factor (an office setting, on by default)."""

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mitra.accounts.services import totp_device_confirm, totp_device_start
from mitra.offices.models import Office
from tests.factories import PASSWORD, MembershipFactory, OfficeFactory, PartnerFactory

pytestmark = pytest.mark.django_db

T0 = "2026-01-05 10:00:00+07:00"
T1 = "2026-01-05 10:02:00+07:00"
T2 = "2026-01-05 10:04:00+07:00"


@pytest.fixture
def strict_office(bandung):
    return OfficeFactory(region=bandung, require_second_factor=True)


def _member(office, role):
    return MembershipFactory(office=office, role=role)


def _login(client, email, password=PASSWORD, **extra):
    return client.post("/akun/masuk/", {"username": email, "password": password, **extra})


def _code(device):
    return str(totp(device.bin_key)).zfill(6)


def _enable(user):
    device = totp_device_start(user=user)
    totp_device_confirm(user=user, token=_code(device))
    device.refresh_from_db()
    return device


def test_offices_require_it_unless_turned_off():
    assert Office._meta.get_field("require_second_factor").default is True


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_password_alone_leads_only_to_the_setup_page(client, strict_office, role):
    member = _member(strict_office, role)
    PartnerFactory(office=strict_office, contact_name="Rahasia")
    assert _login(client, member.user.email).status_code == 302
    setup = reverse("accounts:totp_setup")
    for url in ["/akun/", reverse("partners:list"), reverse("partners:export", args=["csv"])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == setup, url
    api = client.get("/api/v1/partners")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    page = client.get(setup)
    assert page.status_code == 200 and "mewajibkan" in page.content.decode()


def test_setting_up_the_app_opens_the_workspace(client, strict_office):
    member = _member(strict_office, "staff")
    _login(client, member.user.email)
    with time_machine.travel(T0, tick=False):
        client.get(reverse("accounts:totp_setup"))
        device = TOTPDevice.objects.get(user=member.user)
        done = client.post(reverse("accounts:totp_setup"), {"token": _code(device)})
        assert done.status_code == 302
        assert client.get("/akun/").status_code == 200
        assert client.get(reverse("partners:export", args=["csv"])).status_code == 200


def test_with_the_app_the_login_asks_for_the_code(client, strict_office):
    member = _member(strict_office, "admin")
    with time_machine.travel(T0, tick=False):
        device = _enable(member.user)
    with time_machine.travel(T1, tick=False):
        assert _login(client, member.user.email).status_code == 200  # code missing
        assert _login(client, member.user.email, otp_token=_code(device)).status_code == 302
        assert client.get("/akun/").status_code == 200


@pytest.mark.parametrize("role", ["observer", "coordinator"])
def test_other_roles_are_not_forced(client, strict_office, role):
    extra = {"partner": PartnerFactory(office=strict_office)} if role == "coordinator" else {}
    member = MembershipFactory(office=strict_office, role=role, **extra)
    _login(client, member.user.email)
    assert client.get("/akun/").status_code == 200


def test_an_office_can_turn_it_off(client, office):
    office.require_second_factor = False
    office.save()
    member = _member(office, "staff")
    _login(client, member.user.email)
    assert client.get("/akun/").status_code == 200


def test_removing_the_app_needs_password_and_code(client, strict_office):
    member = _member(strict_office, "staff")
    with time_machine.travel(T0, tick=False):
        device = _enable(member.user)
    url = reverse("accounts:totp_setup")
    with time_machine.travel(T1, tick=False):
        _login(client, member.user.email, otp_token=_code(device))
        client.post(url, {"action": "remove"})
        client.post(url, {"action": "remove", "password": "salah", "token": _code(device)})
        client.post(url, {"action": "remove", "password": PASSWORD, "token": "000000"})
        assert TOTPDevice.objects.filter(user=member.user).exists()
    with time_machine.travel(T2, tick=False):
        client.post(url, {"action": "remove", "password": PASSWORD, "token": _code(device)})
    assert not TOTPDevice.objects.filter(user=member.user).exists()


def test_wrong_codes_count_towards_the_lockout(client, strict_office, settings):
    member = _member(strict_office, "staff")
    with time_machine.travel(T0, tick=False):
        device = _enable(member.user)
    with time_machine.travel(T1, tick=False):
        first = _login(client, member.user.email, otp_token="000000")
        assert "salah atau kedaluwarsa" in first.content.decode()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            _login(client, member.user.email, otp_token="000000")
        locked = _login(client, member.user.email, otp_token=_code(device))
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_verified_session_reads_its_device_from_the_cache_until_it_is_withdrawn(
    client, strict_office
):
    """The device a session was verified with is kept with the signed-in person
    (accounts.member_cache), without its secret: no query for it on later pages, and
    withdrawing it unverifies the session on the next request."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = _member(strict_office, "staff")
    with time_machine.travel(T0, tick=False):
        device = _enable(member.user)
    with time_machine.travel(T1, tick=False):
        assert _login(client, member.user.email, otp_token=_code(device)).status_code == 302
        assert client.get(reverse("partners:list")).status_code == 200
        with CaptureQueriesContext(connection) as seen:
            assert client.get(reverse("partners:list")).status_code == 200
        assert not [q["sql"] for q in seen if "otp_totp" in q["sql"]]
        kept = cache.get(f"member:v1:{member.user_id}:devices")
        assert kept is not None and device.key not in repr(kept)
        # The device withdrawn (unconfirmed; a deletion sends the same signal).
        device.confirmed = False
        device.save(update_fields=["confirmed"])
        response = client.get(reverse("partners:list"))
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:totp_setup")
