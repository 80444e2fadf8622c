"""The signed-in person kept in the cache (accounts.member_cache) and their whole page
(accounts.pages): served without a query, and every change that must show does, on the
very next request."""

from __future__ import annotations

import pickle

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mitra.accounts import member_cache
from mitra.accounts.models import Membership, User
from mitra.notifications.models import Channel, Delivery, Status
from tests.conftest import login
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SIGNED_OUT = "/akun/masuk/"


def _queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as seen:
        response = client.get(url)
    return len(seen), response


def _inbox(user: User, n: int = 1) -> None:
    Delivery.objects.bulk_create(
        [
            Delivery(
                office_id=user.memberships.get().office_id,
                user=user,
                channel=Channel.INBOX,
                status=Status.SENT,
                kind="activity_submitted",
                key=f"test-inbox:{user.pk}:{i}",
                subject="Pesan",
                body="Isi",
            )
            for i in range(n)
        ]
    )


def test_a_served_page_asks_the_database_nothing(client, staff_member):
    login(client, staff_member)  # notes the person's office: the first page keeps the copy
    assert client.get("/kegiatan/").status_code == 200
    count, response = _queries(client, "/kegiatan/")
    assert response.status_code == 200
    assert count == 0
    assert 'action="/akun/keluar/"' in response.content.decode()


def test_the_copy_keeps_no_password_hash(client, staff_member):
    login(client, staff_member)
    client.get("/kegiatan/")
    user = staff_member.user
    entry = cache.get(f"member:v1:{user.pk}")
    assert entry is not None and entry["user"].pk == user.pk
    assert user.password not in repr(pickle.dumps(entry))
    assert "password" not in entry["user"].__dict__


def test_a_role_changed_shows_on_the_next_request(client, observer_member):
    login(client, observer_member)
    assert "Ajukan kegiatan" not in client.get("/kegiatan/").content.decode()
    observer_member.role = "staff"
    observer_member.save(update_fields=["role"])
    assert "Ajukan kegiatan" in client.get("/kegiatan/").content.decode()
    # A bulk update (no save signal) too.
    Membership.objects.filter(pk=observer_member.pk).update(role="observer")
    assert "Ajukan kegiatan" not in client.get("/kegiatan/").content.decode()


def test_a_membership_removed_or_a_user_deactivated_ends_access_at_once(client, staff_member):
    login(client, staff_member)
    assert client.get("/kegiatan/").status_code == 200
    staff_member.delete()
    assert client.get("/kegiatan/").status_code == 403
    other = MembershipFactory(role="staff")
    login(client, other)
    assert client.get("/kegiatan/").status_code == 200
    User.objects.filter(pk=other.user_id).update(is_active=False)
    response = client.get("/kegiatan/")
    assert response.status_code == 302 and response["Location"].startswith(SIGNED_OUT)


def test_a_password_changed_elsewhere_signs_the_session_out(client, staff_member):
    login(client, staff_member)
    assert client.get("/kegiatan/").status_code == 200
    user = User.objects.get(pk=staff_member.user_id)
    user.set_password("Sandi-baru-yang-panjang-2024")
    user.save()
    response = client.get("/kegiatan/")
    assert response.status_code == 302 and response["Location"].startswith(SIGNED_OUT)
    # A bulk update of the hash (an admin's script) likewise.
    other = MembershipFactory(role="staff")
    login(client, other)
    assert client.get("/kegiatan/").status_code == 200
    User.objects.filter(pk=other.user_id).update(password=make_password("Lain-lagi-2024!"))
    assert client.get("/kegiatan/").status_code == 302


def test_changing_ones_own_password_keeps_one_signed_in(client, staff_member):
    user = staff_member.user
    user.set_password("Sandi-lama-yang-panjang-1")
    user.save()
    login(client, staff_member)
    assert client.get("/kegiatan/").status_code == 200  # the user now comes from the cache
    response = client.post(
        "/akun/ubah-sandi/",
        {
            "old_password": "Sandi-lama-yang-panjang-1",
            "new_password1": "Sandi-baru-yang-panjang-2",
            "new_password2": "Sandi-baru-yang-panjang-2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get("/kegiatan/").status_code == 200
    assert User.objects.get(pk=user.pk).check_password("Sandi-baru-yang-panjang-2")


def test_signing_out_ends_the_cached_session(client, staff_member):
    login(client, staff_member)
    assert client.get("/kegiatan/").status_code == 200
    cookie = client.cookies["sessionid"].value
    client.post("/akun/keluar/")
    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    response = client.get("/kegiatan/")
    assert response.status_code == 302 and response["Location"].startswith(SIGNED_OUT)


def test_a_second_factor_required_from_now_on_applies_on_the_next_request(client, staff_member):
    office = staff_member.office
    office.require_second_factor = False
    office.save(update_fields=["require_second_factor"])
    login(client, staff_member)
    assert client.get("/kegiatan/").status_code == 200
    office.require_second_factor = True
    office.save(update_fields=["require_second_factor"])
    response = client.get("/kegiatan/")
    assert response.status_code == 302 and response["Location"] == "/akun/dua-langkah/"


def test_the_unread_count_follows_every_kind_of_message_write(client, staff_member):
    user = staff_member.user
    login(client, staff_member)
    assert 'class="badge count"' not in client.get("/kegiatan/").content.decode()
    _inbox(user, 2)  # bulk_create
    assert '<span class="badge count">2<' in client.get("/kegiatan/").content.decode()
    Delivery.objects.filter(pk=Delivery.objects.filter(user=user).first().pk).update(
        read_at="2024-11-01T00:00:00Z"
    )  # a bulk update
    assert '<span class="badge count">1<' in client.get("/kegiatan/").content.decode()
    one = Delivery.objects.get(user=user, read_at=None)
    one.delete()  # a single delete
    assert 'class="badge count"' not in client.get("/kegiatan/").content.decode()


def test_another_persons_page_is_never_served(client, staff_member, office):
    """Two staff of one office, the same address: each their own count and links."""
    colleague = MembershipFactory(office=office, role="staff")
    _inbox(colleague.user, 3)
    login(client, staff_member)
    mine = client.get("/kegiatan/").content.decode()
    assert 'class="badge count"' not in mine
    login(client, colleague)
    theirs = client.get("/kegiatan/").content.decode()
    assert '<span class="badge count">3<' in theirs
    login(client, staff_member)
    assert 'class="badge count"' not in client.get("/kegiatan/").content.decode()


def test_a_cached_page_carries_this_requests_csrf_token(client, staff_member):
    """The page kept whole has the token put in per request: its forms still post."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    login(strict, staff_member)
    strict.get("/kegiatan/")
    page = strict.get("/kegiatan/").content.decode()  # served whole from the cache
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert "MITRA-CSRF" not in page
    response = strict.post("/akun/keluar/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert strict.get("/kegiatan/").status_code == 302  # signed out


def test_a_flash_message_is_shown_not_a_kept_page(client, staff_member):
    login(client, staff_member)
    client.get("/kegiatan/")
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "Kegiatan tersimpan untuk uji")
    response = HttpResponse()
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    assert "Kegiatan tersimpan untuk uji" in client.get("/kegiatan/").content.decode()
    assert "Kegiatan tersimpan untuk uji" not in client.get("/kegiatan/").content.decode()


def test_the_site_offices_new_name_shows_on_signed_in_pages(client, staff_member, office):
    login(client, staff_member)
    client.get("/analitik/")
    office.name = "KPU Kota Bandung (nama baru)"
    office.save(update_fields=["name"])
    assert "KPU Kota Bandung (nama baru)" in client.get("/analitik/").content.decode()


def test_without_the_setting_nothing_is_kept(client, staff_member, settings):
    settings.MEMBER_CACHE_SECONDS = 0
    login(client, staff_member)
    client.get("/kegiatan/")
    assert cache.get(f"member:v1:{staff_member.user_id}") is None
    assert member_cache.read(staff_member.user_id) == (None, None)


def test_rows_read_before_an_office_write_are_never_kept_under_its_new_tokens(staff_member):
    """A request reads the person (office: no second factor), an admin's write to the office
    commits, then the request stores what it read: the copy must not be served, or the
    office's new rule would wait for the copy's lifetime."""
    from mitra.accounts.backends import MemberBackend

    user_id = staff_member.user_id
    backend = MemberBackend()
    for _ in range(3):  # the office noted, then the copy kept and served
        backend.get_user(user_id)
    assert member_cache.read(user_id)[0] is not None
    member_cache.forget(user_ids=[user_id])  # e.g. a message arrived: the copy is gone
    cached, stamp = member_cache.read(user_id)  # the request, before its query…
    assert cached is None and stamp is not None
    old = Membership.objects.select_related("office", "user").get(pk=staff_member.pk)
    office = staff_member.office
    office.require_second_factor = True
    office.save(update_fields=["require_second_factor"])  # …the admin's write commits…
    member_cache.store(stamp=stamp, user=old.user, membership=old, figures={})  # …then this
    cached, _stamp = member_cache.read(user_id)
    assert cached is None  # the old row is not served under the office's new tokens
    user = backend.get_user(user_id)
    assert user is not None and user._mitra_membership.office.require_second_factor is True
