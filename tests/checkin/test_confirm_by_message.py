"""Registration confirmed by a link sent by email/WhatsApp before a seat is held (issue 13,
point 12): a pending registration holds no seat and counts nowhere; the link takes a seat
atomically, once; an old link is refused; a full activity puts the confirmer on the list."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mitra.checkin import selectors, services
from mitra.checkin.models import CheckinPoint, Registration, RegistrationStatus
from mitra.core.errors import DomainError
from tests.checkin.factories import ActivityFactory, CheckinPointFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/hadir/konfirmasi/(\S+)/")


@pytest.fixture
def confirm_point(programme):
    activity = ActivityFactory(
        programme=programme, starts_at=timezone.now() + datetime.timedelta(days=7)
    )
    return CheckinPointFactory(
        activity=activity, requires_registration=True, capacity=1, confirm_by_message=True
    )


def _register(point: CheckinPoint, email: str, capture) -> Registration:
    with capture(execute=True):
        return services.registration_create(point=point, email=email, consent=True)


def _link_token(email: str) -> str:
    sent = [m for m in mail.outbox if m.to == [email] and "/hadir/konfirmasi/" in m.body]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    found = LINK.search(sent[0].body)
    assert found
    return found.group(1)


def test_off_by_default(programme):
    assert CheckinPoint(activity=ActivityFactory(programme=programme)).confirm_by_message is False


def test_pending_registration_holds_no_seat_and_counts_in_no_figure(
    confirm_point, django_capture_on_commit_callbacks, client
):
    a = _register(confirm_point, "a@example.org", django_capture_on_commit_callbacks)
    b = _register(confirm_point, "b@example.org", django_capture_on_commit_callbacks)
    assert (a.status, b.status) == ("pending", "pending")
    assert a.position is None and b.position is None
    # No seat taken: capacity 1 and nobody is on a waiting list.
    assert services.confirmed_count(confirm_point.activity_id) == 0
    counts = selectors.checkin_counts(activity_id=confirm_point.activity_id)
    assert (counts["confirmed"], counts["waiting"]) == (0, 0)
    # The public page does not call the activity full, and a pending ticket opens no door.
    page = client.get(reverse("checkin:register", args=[confirm_point.token]))
    assert "Kuota sudah penuh" not in page.content.decode()
    ticket = client.get(reverse("checkin:ticket", args=[a.secret])).content.decode()
    assert "Menunggu konfirmasi" in ticket and "data:image/png;base64" not in ticket
    # The message carries the link, not the ticket.
    assert "/hadir/tiket/" not in mail.outbox[0].body
    assert _link_token("a@example.org")


def test_a_pending_ticket_is_refused_at_the_door(
    confirm_point, staff_member, django_capture_on_commit_callbacks
):
    a = _register(confirm_point, "a@example.org", django_capture_on_commit_callbacks)
    activity = confirm_point.activity
    with time_machine.travel(activity.starts_at, tick=False):
        result = services.ticket_scan(
            membership=staff_member, activity_id=activity.pk, secret=a.secret, nonce="n1"
        )
    assert result.result == "refused" and result.reason == "not_confirmed"


def test_confirming_takes_a_seat_and_sends_the_ticket(
    confirm_point, client, django_capture_on_commit_callbacks
):
    a = _register(confirm_point, "a@example.org", django_capture_on_commit_callbacks)
    url = reverse("checkin:confirm", args=[_link_token("a@example.org")])
    page = client.get(url)  # opening the link (or a mail scanner) only shows the button
    assert page.status_code == 200 and "Konfirmasi pendaftaran" in page.content.decode()
    assert page["Cache-Control"].startswith("private")
    a.refresh_from_db()
    assert a.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    a.refresh_from_db()
    assert (a.status, a.position) == ("confirmed", None) and a.confirmed_at
    assert services.confirmed_count(confirm_point.activity_id) == 1
    assert "tempat Anda dipegang" in response.content.decode()
    tickets = [m for m in mail.outbox if f"/hadir/tiket/{a.secret}/" in m.body]
    assert len(tickets) == 1 and tickets[0].subject.startswith("Tiket Anda")


def test_confirming_twice_is_idempotent(confirm_point, client, django_capture_on_commit_callbacks):
    a = _register(confirm_point, "a@example.org", django_capture_on_commit_callbacks)
    token = _link_token("a@example.org")
    url = reverse("checkin:confirm", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
        second = client.post(url, follow=True)  # a double click
        services.registration_confirm(token=token)  # and the service once more
    assert first.status_code == 302 and second.status_code == 200
    assert "sudah dikonfirmasi sebelumnya" in second.content.decode()
    assert Registration.objects.filter(status="confirmed").count() == 1
    a.refresh_from_db()
    assert a.status == "confirmed"
    assert len([m for m in mail.outbox if "/hadir/tiket/" in m.body]) == 1
    # Once confirmed, opening the link again leads to the ticket.
    assert client.get(url).url == reverse("checkin:ticket", args=[a.secret])


def test_full_at_confirm_time_puts_the_confirmer_on_the_waiting_list(
    confirm_point, client, django_capture_on_commit_callbacks
):
    a = _register(confirm_point, "a@example.org", django_capture_on_commit_callbacks)
    b = _register(confirm_point, "b@example.org", django_capture_on_commit_callbacks)
    services.registration_confirm(token=_link_token("b@example.org"))  # b takes the one seat
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("checkin:confirm", args=[_link_token("a@example.org")]), follow=True
        )
    a.refresh_from_db()
    assert (a.status, a.position) == ("waiting", 1)
    assert "sudah penuh saat Anda mengonfirmasi" in response.content.decode()
    assert "daftar tunggu nomor 1" in response.content.decode()
    assert services.confirmed_count(confirm_point.activity_id) == 1
    # The usual rule: a cancellation moves the list up.
    services.registration_cancel(secret=b.secret)
    a.refresh_from_db()
    assert a.status == "confirmed"


def test_an_expired_link_is_refused_with_a_message_and_the_sweep_expires_the_row(
    confirm_point, client, django_capture_on_commit_callbacks
):
    a = _register(confirm_point, "a@example.org", django_capture_on_commit_callbacks)
    url = reverse("checkin:confirm", args=[_link_token("a@example.org")])
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25), tick=False):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 410
            assert "kedaluwarsa" in response.content.decode()
        with pytest.raises(DomainError) as refused:
            services.registration_confirm(token=url.split("/")[-2])
        assert refused.value.code == "expired"
        # The same contact may register again (the old one no longer blocks it).
        again = services.registration_create(
            point=confirm_point, email="a@example.org", consent=True
        )
        assert again.status == "pending"
        assert services.registrations_pending_expire() == 1
    a.refresh_from_db()
    assert (a.status, a.email, a.name) == ("expired", "", "")
    assert a.anonymised_at is not None
    assert services.confirmed_count(confirm_point.activity_id) == 0


def test_a_pending_row_past_its_limit_is_refused_even_with_a_fresh_link(
    confirm_point, django_capture_on_commit_callbacks
):
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=30), tick=False):
        a = services.registration_create(point=confirm_point, email="a@example.org", consent=True)
    token = services.registration_confirm_token(a)  # signed now, row 30 h old
    with pytest.raises(DomainError) as refused:
        services.registration_confirm(token=token)
    assert refused.value.code == "expired" and refused.value.status_code == 410
    a.refresh_from_db()
    assert a.status == "pending"


def test_a_forged_link_is_not_found(confirm_point, client, django_capture_on_commit_callbacks):
    a = _register(confirm_point, "a@example.org", django_capture_on_commit_callbacks)
    token = _link_token("a@example.org")
    assert client.get(reverse("checkin:confirm", args=[token[:-2] + "xx"])).status_code == 404
    assert client.post(reverse("checkin:confirm", args=["abc"])).status_code == 404
    a.refresh_from_db()
    assert a.status == "pending"


def test_a_cancelled_registration_cannot_be_confirmed(
    confirm_point, client, django_capture_on_commit_callbacks
):
    a = _register(confirm_point, "a@example.org", django_capture_on_commit_callbacks)
    services.registration_cancel(secret=a.secret)
    response = client.post(reverse("checkin:confirm", args=[_link_token("a@example.org")]))
    assert response.status_code == 410 and "dibatalkan" in response.content.decode()
    assert services.confirmed_count(confirm_point.activity_id) == 0


def test_a_contact_is_needed_to_receive_the_link(confirm_point):
    with pytest.raises(DomainError) as refused:
        services.registration_create(point=confirm_point, name="Sari", consent=True)
    assert refused.value.code == "contact_needed"
    with pytest.raises(DomainError):
        services.registration_create(point=confirm_point, phone="12", consent=True)
    assert not Registration.objects.exists()


def test_one_link_per_contact_while_it_is_pending(
    confirm_point, django_capture_on_commit_callbacks
):
    _register(confirm_point, "a@example.org", django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as refused:
        services.registration_create(point=confirm_point, email="A@example.org", consent=True)
    assert refused.value.code == "contact_registered"


def test_staff_see_the_state_and_switch_the_setting(client, staff_member, programme):
    point = CheckinPointFactory(
        activity=ActivityFactory(
            programme=programme, starts_at=timezone.now() + datetime.timedelta(days=3)
        ),
        requires_registration=True,
        capacity=5,
    )
    url = reverse("checkin:manage", args=[point.activity_id])
    login(client, staff_member)
    response = client.post(
        url,
        {
            "self_checkin": "on",
            "opens_before_minutes": 60,
            "closes_after_minutes": 180,
            "requires_registration": "on",
            "capacity": 5,
            "confirm_by_message": "on",
        },
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.confirm_by_message is True
    services.registration_create(point=point, name="Budi", email="budi@example.org", consent=True)
    page = client.get(url).content.decode()
    assert "budi@example.org" in page and "Menunggu konfirmasi" in page
    assert RegistrationStatus.PENDING.label == "Menunggu konfirmasi"


@pytest.mark.django_db(transaction=True)
def test_parallel_confirmations_never_exceed_capacity(programme):
    from tests.checkin.test_scans_api import _parallel

    point = CheckinPointFactory(
        activity=ActivityFactory(
            programme=programme, starts_at=timezone.now() + datetime.timedelta(days=7)
        ),
        requires_registration=True,
        capacity=2,
        confirm_by_message=True,
    )
    pending = [
        services.registration_create(point=point, email=f"p{i}@example.org", consent=True)
        for i in range(6)
    ]
    tokens = [services.registration_confirm_token(r) for r in pending] * 2  # each link twice

    def confirm(i):
        return services.registration_confirm(token=tokens[i]).status

    _parallel(len(tokens), confirm)
    rows = Registration.objects.filter(activity=point.activity)
    assert rows.filter(status="confirmed").count() == 2
    waiting = sorted(rows.filter(status="waiting").values_list("position", flat=True))
    assert waiting == [1, 2, 3, 4]
