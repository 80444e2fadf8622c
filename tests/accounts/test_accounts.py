import re

import pytest
import time_machine
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mitra.accounts.models import Role
from mitra.accounts.permissions import Right, has_right, require
from mitra.accounts.services import (
    AccountError,
    api_token_create,
    api_token_member,
    membership_grant,
    totp_device_confirm,
    totp_device_start,
    user_create,
)
from mitra.accounts.views import RESET_MAILS_PER_EMAIL, RESET_REQUESTS_PER_ADDRESS
from mitra.core.errors import PermissionDeniedError
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD, **extra):
    return client.post("/akun/masuk/", {"username": email, "password": password, **extra})


def test_login_by_email_leads_to_the_workspace(client, staff_member):
    response = _login(client, staff_member.user.email)
    assert response.status_code == 302
    workspace = client.get("/akun/")
    assert workspace.status_code == 200
    assert "Staf KPU" in workspace.content.decode()


def test_wrong_password_shows_a_clear_message(client, staff_member):
    response = _login(client, staff_member.user.email, "salah")
    assert response.status_code == 200
    assert "email" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_lock_the_account_for_a_while(client, staff_member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, staff_member.user.email, "salah")
    locked = _login(client, staff_member.user.email)  # even the right password is refused now
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_workspace_requires_login(client):
    response = client.get("/akun/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


def test_password_reset_sends_a_working_link(client, staff_member, settings):
    settings.SITE_URL = "https://mitra.example.go.id"
    settings.ALLOWED_HOSTS = ["*"]  # even where any Host header reaches the app
    client.post("/akun/lupa-sandi/", {"email": staff_member.user.email}, HTTP_HOST="evil.test")
    assert len(mail.outbox) == 1
    assert "evil.test" not in mail.outbox[0].body  # the host a client sent is never used
    link = re.search(
        r"https://mitra\.example\.go\.id(/akun/atur-sandi/\S+/)", mail.outbox[0].body
    ).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "Sandi-Baru-2024-xyz"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    assert _login(client, staff_member.user.email, new).status_code == 302


def test_password_reset_mails_are_throttled_per_email_and_per_address(client, staff_member):
    email = staff_member.user.email
    answers = [client.post("/akun/lupa-sandi/", {"email": email}).status_code for _ in range(5)]
    assert answers == [302] * 5  # the same answer whether a mail went out or not
    assert len(mail.outbox) == RESET_MAILS_PER_EMAIL
    for i in range(RESET_REQUESTS_PER_ADDRESS - 5):
        client.post("/akun/lupa-sandi/", {"email": f"orang{i}@example.org"})
    refused = client.post("/akun/lupa-sandi/", {"email": "lain@example.org"})
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in refused.content.decode()
    other_address = client.post("/akun/lupa-sandi/", {"email": email}, REMOTE_ADDR="10.9.9.9")
    assert other_address.status_code == 302 and len(mail.outbox) == RESET_MAILS_PER_EMAIL


def test_password_reset_for_unknown_email_reveals_nothing(client):
    response = client.post("/akun/lupa-sandi/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def _enable_totp(user):
    device = totp_device_start(user=user)
    totp_device_confirm(user=user, token=str(totp(device.bin_key)).zfill(6))
    device.refresh_from_db()
    return device


def test_totp_second_factor_is_required_once_enabled(client, staff_member):
    user = staff_member.user
    with time_machine.travel("2026-01-05 10:00:00+07:00", tick=False):
        device = _enable_totp(user)
    # A later time step: the code used to confirm the device cannot be replayed.
    with time_machine.travel("2026-01-05 10:02:00+07:00", tick=False):
        without = _login(client, user.email)
        assert without.status_code == 200
        assert "kode 6 digit" in without.content.decode()
        assert "_auth_user_id" not in client.session
        good = _login(client, user.email, otp_token=str(totp(device.bin_key)).zfill(6))
        assert good.status_code == 302


def test_wrong_totp_code_is_refused(client, staff_member):
    user = staff_member.user
    with time_machine.travel("2026-01-05 10:00:00+07:00", tick=False):
        _enable_totp(user)
    with time_machine.travel("2026-01-05 10:02:00+07:00", tick=False):
        wrong = _login(client, user.email, otp_token="000000")
    assert "salah atau kedaluwarsa" in wrong.content.decode()
    assert "_auth_user_id" not in client.session


def test_totp_confirmation_refuses_a_wrong_code(staff_member):
    totp_device_start(user=staff_member.user)
    with pytest.raises(AccountError):
        totp_device_confirm(user=staff_member.user, token="123456")
    assert not TOTPDevice.objects.filter(user=staff_member.user, confirmed=True).exists()


def test_totp_setup_page_offers_a_qr_code_to_commission_accounts(client, staff_member):
    client.force_login(staff_member.user)
    page = client.get("/akun/dua-langkah/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()


def test_totp_setup_is_not_offered_to_coordinators(client, coordinator_member):
    client.force_login(coordinator_member.user)
    assert client.get("/akun/dua-langkah/").status_code == 302


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", set(Right)),
        ("staff", set(Right) - {Right.MANAGE_USERS, Right.VIEW_SENSITIVE_DATA}),
        ("observer", {Right.VIEW_DASHBOARD, Right.VIEW_ALL_PARTNERS, Right.EXPORT}),
        ("coordinator", {Right.PROPOSE_ACTIVITIES, Right.SCAN_TICKETS}),
    ],
)
def test_rights_of_each_role(office, partner, role, allowed):
    membership = MembershipFactory(
        office=office, role=role, partner=partner if role == "coordinator" else None
    )
    assert {right for right in Right if has_right(membership, right)} == allowed


def test_anonymous_public_has_no_rights():
    assert not any(has_right(None, right) for right in Right)
    with pytest.raises(PermissionDeniedError):
        require(None, Right.VIEW_DASHBOARD)


def test_coordinator_must_belong_to_a_partner_of_the_same_office(office, partner):
    user = UserFactory()
    with pytest.raises(AccountError) as error:
        membership_grant(user=user, office=office, role=Role.COORDINATOR)
    assert error.value.code == "partner_required"
    other_office_partner = partner.__class__.objects.create(
        office=MembershipFactory().office, code="X-1", name="Lain", category=partner.category
    )
    with pytest.raises(AccountError):
        membership_grant(
            user=user, office=office, role=Role.COORDINATOR, partner=other_office_partner
        )
    granted = membership_grant(user=user, office=office, role=Role.COORDINATOR, partner=partner)
    assert granted.partner == partner


def test_staff_cannot_be_tied_to_a_partner(office, partner):
    with pytest.raises(AccountError):
        membership_grant(user=UserFactory(), office=office, role=Role.STAFF, partner=partner)


def test_emails_are_unique_regardless_of_case():
    user_create(email="Ani@Example.org", password=PASSWORD)
    with pytest.raises(AccountError):
        user_create(email="ani@example.org", password=PASSWORD)


def test_api_tokens_are_stored_hashed_and_authenticate(staff_member):
    key = api_token_create(user=staff_member.user, name="scanner")
    token = staff_member.user.api_tokens.get()
    assert key not in token.key_hash
    assert api_token_member(key=key)[0] == staff_member.user
    assert api_token_member(key=key + "x") is None


def test_api_token_member_is_one_query_then_cached_and_follows_revocation_and_roles(
    staff_member, django_assert_num_queries, settings
):
    from django.utils import timezone

    key = api_token_create(user=staff_member.user)
    settings.API_TOKEN_CACHE_SECONDS = 0  # without the cache: one query
    api_token_member(key=key)  # the first use writes last_used_at
    with django_assert_num_queries(1):
        user, membership = api_token_member(key=key)
    settings.API_TOKEN_CACHE_SECONDS = 60
    api_token_member(key=key)  # fills the cache
    with django_assert_num_queries(0):
        user, membership = api_token_member(key=key)
    assert user == staff_member.user and membership == staff_member
    assert (user.email, user.is_active) == (staff_member.user.email, True)
    assert (membership.office_id, membership.role) == (staff_member.office_id, Role.STAFF)
    assert membership.office == staff_member.office  # loads on access
    staff_member.role = Role.OBSERVER
    staff_member.save()
    assert api_token_member(key=key)[1].role == Role.OBSERVER  # forgotten on save
    assert api_token_member(key=key + "x") is None
    staff_member.user.api_tokens.update(revoked_at=timezone.now())  # a bulk update too
    assert api_token_member(key=key) is None


def test_cached_token_stops_at_once_on_every_kind_of_change(staff_member, office, settings):
    from django.utils import timezone

    from mitra.accounts.models import ApiToken, Membership, User

    settings.API_TOKEN_CACHE_SECONDS = 60

    def warm(member):
        key = api_token_create(user=member.user)
        assert api_token_member(key=key)[1] == member
        assert api_token_member(key=key)[1] == member  # from the cache
        return key

    # Revocation by saving the token (as the admin does).
    key = warm(staff_member)
    token = ApiToken.objects.get(user=staff_member.user, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save()
    assert api_token_member(key=key) is None
    # Deleting the token.
    key = warm(staff_member)
    ApiToken.objects.filter(user=staff_member.user, revoked_at__isnull=True).delete()
    assert api_token_member(key=key) is None
    # Deactivating the user, by save and by bulk update.
    key = warm(staff_member)
    User.objects.filter(pk=staff_member.user_id).update(is_active=False)
    assert api_token_member(key=key) is None
    User.objects.filter(pk=staff_member.user_id).update(is_active=True)
    assert api_token_member(key=key)[1] == staff_member
    user = User.objects.get(pk=staff_member.user_id)
    user.is_active = False
    user.save()
    assert api_token_member(key=key) is None
    user.is_active = True
    user.save()
    # Role change by bulk update, and losing the membership.
    key = warm(staff_member)
    Membership.objects.filter(pk=staff_member.pk).update(role=Role.OBSERVER)
    assert api_token_member(key=key)[1].role == Role.OBSERVER
    Membership.objects.filter(pk=staff_member.pk).delete()
    assert api_token_member(key=key) == (user, None)


def test_token_use_is_written_once_a_minute_with_the_cache(staff_member, settings):
    import time_machine as tm

    from mitra.accounts.models import ApiToken

    settings.API_TOKEN_CACHE_SECONDS = 600
    key = api_token_create(user=staff_member.user)
    with tm.travel("2026-11-29 10:00:00+07:00", tick=False):
        api_token_member(key=key)
        first = ApiToken.objects.get().last_used_at
        assert first is not None
    with tm.travel("2026-11-29 10:00:30+07:00", tick=False):
        api_token_member(key=key)
        assert ApiToken.objects.get().last_used_at == first
    with tm.travel("2026-11-29 10:01:31+07:00", tick=False):
        api_token_member(key=key)
        assert ApiToken.objects.get().last_used_at > first


def test_api_token_member_of_a_user_without_role_or_inactive():
    user = UserFactory()
    key = api_token_create(user=user)
    assert api_token_member(key=key) == (user, None)
    user.is_active = False
    user.save()
    assert api_token_member(key=key) is None


def test_api_token_command_prints_a_working_token(staff_member, capsys):
    from django.core.management import call_command

    call_command("api_token", staff_member.user.email)
    key = capsys.readouterr().out.strip()
    assert api_token_member(key=key)[0] == staff_member.user
