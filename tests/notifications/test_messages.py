"""What is sent, to whom, in which language, once: workflow events, registrants' messages,
overdue reports, opt-out, quiet hours and back-off (tasks in-process, as without a broker)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation

from mitra.activities import services as activity_services
from mitra.activities.models import ReportReminder
from mitra.checkin import services as checkin_services
from mitra.notifications import services
from mitra.notifications.models import Channel, Delivery, OfficeMessaging, OptOut, Status
from mitra.notifications.services import Recipient
from tests.checkin.factories import ActivityFactory, CheckinPointFactory
from tests.factories import MembershipFactory
from tests.notifications.servers import DOWN_TWICE, OK

pytestmark = pytest.mark.django_db

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def draft(programme, partner):
    partner.whatsapp = f"+{OK}"
    partner.save(update_fields=["whatsapp"])
    return ActivityFactory(programme=programme, partner=partner, status="draft")


@time_machine.travel(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=JAKARTA), tick=False)
def test_submitted_goes_to_staff_and_return_reason_to_the_coordinator(
    draft, staff_member, coordinator_member, whatsapp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.activity_submit(membership=coordinator_member, activity_id=draft.pk)
    assert [m.to for m in mail.outbox] == [[staff_member.user.email]]
    assert draft.title in mail.outbox[0].subject
    inbox = Delivery.objects.get(kind="activity_submitted", channel=Channel.INBOX)
    assert (inbox.user, inbox.status) == (staff_member.user, Status.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        activity_services.activity_return(
            membership=staff_member, activity_id=draft.pk, comment="Lokasi belum jelas"
        )
    returned = mail.outbox[-1]
    assert returned.to == [coordinator_member.user.email]
    assert "Lokasi belum jelas" in returned.body
    assert "/notifikasi/berhenti/" in returned.body  # one-tap opt-out in every message
    # The partner's WhatsApp number got the same event through the provider.
    assert whatsapp.accepted[OK] == 1
    sent = whatsapp.bodies[-1]
    assert sent["type"] == "template" and sent["template"]["language"]["code"] == "id"
    assert "Lokasi belum jelas" in sent["template"]["components"][0]["parameters"][0]["text"]


def test_each_life_cycle_event_is_one_message_per_recipient(
    draft, staff_member, coordinator_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.activity_submit(membership=coordinator_member, activity_id=draft.pk)
        activity_services.activity_approve(membership=staff_member, activity_id=draft.pk)
    kinds = sorted(
        Delivery.objects.filter(user=coordinator_member.user).values_list("kind", "channel")
    )
    assert kinds == [("activity_approved", "email"), ("activity_approved", "inbox")]
    # WhatsApp is off (no token): nothing queued on it, and the staff page says so.
    assert not Delivery.objects.filter(channel=Channel.WHATSAPP).exists()


def test_overdue_report_reminder_is_sent_once_through_the_log(
    programme, partner, coordinator_member, django_capture_on_commit_callbacks
):
    ended = timezone.now() - datetime.timedelta(days=20)
    activity = ActivityFactory(
        programme=programme,
        partner=partner,
        status="held",
        starts_at=ended - datetime.timedelta(hours=2),
        ends_at=ended,
    )
    day = activity.report_due_on + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.reminders_send(today=day)
        activity_services.reminders_send(today=day)
    assert ReportReminder.objects.filter(activity=activity).count() == 2  # steps 3 and 7
    emails = Delivery.objects.filter(kind="report_overdue", channel=Channel.EMAIL)
    assert emails.count() == 2 and {d.status for d in emails} == {Status.SENT}
    assert len(mail.outbox) == 2
    assert any("7" in m.body for m in mail.outbox)


def test_registrant_gets_the_ticket_in_the_language_they_registered_in(
    programme, django_capture_on_commit_callbacks
):
    point = CheckinPointFactory(
        activity=ActivityFactory(programme=programme, status="approved"),
        requires_registration=True,
    )
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        registration = checkin_services.registration_create(
            point=point, email="ana@example.org", consent=True
        )
    checkin_services.registration_create(point=point)  # no contact: nothing to send
    assert len(mail.outbox) == 1
    ticket = mail.outbox[0]
    assert ticket.subject.startswith("Your ticket")
    assert f"/hadir/tiket/{registration.secret}/" in ticket.body
    assert "/notifikasi/ingatkan-saya/" in ticket.body


def test_one_tap_opt_out_stops_the_channel_but_link_previews_do_not(
    client, office, django_capture_on_commit_callbacks
):
    def send(key):
        with django_capture_on_commit_callbacks(execute=True):
            delivery = services.message_queue(
                office=office,
                kind="voting_day",
                recipients=[Recipient(Channel.EMAIL, "budi@example.org")],
                values={"date": "27-11", "check_url": "c", "how_to_vote_url": "h", "office": "KPU"},
                key=key,
            )[0]
        delivery.refresh_from_db()
        return delivery

    first = send("one")
    link = first.link.split("testserver")[-1].replace("http://127.0.0.1:8000", "")
    preview = client.get(link, HTTP_USER_AGENT="WhatsApp/2.23.20.0")
    assert preview.status_code == 200 and not OptOut.objects.exists()
    tap = client.get(link, HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Mobile")
    assert tap.status_code == 200 and OptOut.objects.count() == 1
    assert "budi@example.org" not in str(OptOut.objects.values())  # only a hash is kept
    assert "YnVkaU" not in link  # nor in the link (base64 of "budi@")
    second = send("two")
    assert (second.status, second.reason) == (Status.SKIPPED, "opted_out")
    assert len(mail.outbox) == 1
    client.post(link, {"action": "undo"})
    assert send("three").status == Status.SENT and len(mail.outbox) == 2
    assert client.get("/notifikasi/berhenti/forged-token/").status_code == 404


def test_no_whatsapp_in_quiet_hours_it_waits_until_they_end(
    office, whatsapp, django_capture_on_commit_callbacks
):
    OfficeMessaging.objects.create(
        office=office, quiet_start=datetime.time(21, 0), quiet_end=datetime.time(7, 0)
    )
    night = datetime.datetime(2024, 11, 26, 22, 30, tzinfo=JAKARTA)
    with time_machine.travel(night, tick=False), django_capture_on_commit_callbacks(execute=True):
        delivery = services.message_queue(
            office=office,
            kind="voting_day",
            recipients=[Recipient(Channel.WHATSAPP, f"+{OK}")],
            values={"date": "27-11", "check_url": "c", "how_to_vote_url": "h", "office": "KPU"},
            key="night",
        )[0]
        services.deliveries_sweep(grace_seconds=0)
    assert timezone.localtime(delivery.not_before).time() == datetime.time(7, 0)
    assert whatsapp.tries[OK] == 0
    with time_machine.travel(night + datetime.timedelta(hours=6), tick=False):
        services.deliveries_sweep(grace_seconds=0)
    assert whatsapp.tries[OK] == 0  # 04:30: still quiet
    with time_machine.travel(night + datetime.timedelta(hours=8, minutes=31), tick=False):
        services.deliveries_sweep(grace_seconds=0)
    delivery.refresh_from_db()
    assert (delivery.status, whatsapp.accepted[OK]) == (Status.SENT, 1)


@override_settings(NOTIFICATIONS_RETRY_BASE_SECONDS=30, NOTIFICATIONS_MAX_ATTEMPTS=3)
def test_provider_5xx_is_retried_with_growing_back_off_then_given_up(
    office, whatsapp, django_capture_on_commit_callbacks
):
    start = datetime.datetime(2024, 11, 20, 10, 0, tzinfo=JAKARTA)
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        delivery = services.message_queue(
            office=office,
            kind="voting_day",
            recipients=[Recipient(Channel.WHATSAPP, f"+{DOWN_TWICE}")],
            values={"date": "d", "check_url": "c", "how_to_vote_url": "h", "office": "KPU"},
            key="flaky",
        )[0]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.QUEUED, 1)
    assert "WhatsApp 500" in delivery.reason
    assert delivery.not_before == start + datetime.timedelta(seconds=30)
    # Before the back-off ends nothing is tried.
    assert (
        services.delivery_send(delivery_id=delivery.pk, now=start + datetime.timedelta(seconds=29))
        == "not_due"
    )
    assert whatsapp.tries[DOWN_TWICE] == 1
    with time_machine.travel(start + datetime.timedelta(seconds=31), tick=False):
        assert services.delivery_send(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.not_before == start + datetime.timedelta(seconds=31 + 60)  # doubled
    with time_machine.travel(start + datetime.timedelta(seconds=92), tick=False):
        assert services.delivery_send(delivery_id=delivery.pk) == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, whatsapp.accepted[DOWN_TWICE]) == (
        Status.SENT,
        3,
        1,
    )

    whatsapp.down = True
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        doomed = services.message_queue(
            office=office,
            kind="voting_day",
            recipients=[Recipient(Channel.WHATSAPP, f"+{OK}")],
            values={"date": "d", "check_url": "c", "how_to_vote_url": "h", "office": "KPU"},
            key="doomed",
        )[0]
    for minutes in (5, 10):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            services.delivery_send(delivery_id=doomed.pk)
    doomed.refresh_from_db()
    assert (doomed.status, doomed.attempts) == (Status.FAILED, 3)
    assert "WhatsApp 500" in doomed.reason and "3" in doomed.reason


def test_queueing_the_same_event_twice_records_one_delivery(office, staff_member):
    user = staff_member.user
    for _ in range(2):
        services.message_queue(
            office=office,
            kind="stage_start",
            recipients=services.user_recipients(user),
            values={"stage": "s", "election": "e", "starts": "1", "ends": "2", "url": "u"},
            key="stage_start:1",
        )
    assert Delivery.objects.count() == 2  # email + inbox, once each


def test_inbox_page_shows_own_messages_and_marks_them_read(
    client, office, staff_member, django_capture_on_commit_callbacks
):
    other = MembershipFactory(office=office, role="staff").user
    with django_capture_on_commit_callbacks(execute=True):
        services.message_queue(
            office=office,
            kind="stage_start",
            recipients=[Recipient(Channel.INBOX, "", staff_member.user)],
            values={"stage": "Kampanye", "election": "e", "starts": "1", "ends": "2", "url": "u"},
            key="mine",
        )
        services.message_queue(
            office=office,
            kind="stage_start",
            recipients=[Recipient(Channel.INBOX, "", other)],
            values={"stage": "Rahasia", "election": "e", "starts": "1", "ends": "2", "url": "u"},
            key="theirs",
        )
    client.force_login(staff_member.user)
    page = client.get("/notifikasi/kotak-masuk/").content.decode()
    assert "Kampanye" in page and "Rahasia" not in page
    assert Delivery.objects.get(key__startswith="mine").read_at is not None
    assert Delivery.objects.get(key__startswith="theirs").read_at is None


def test_sweep_sends_what_a_dead_worker_or_lost_broker_message_left(office, staff_member):
    now = timezone.now()

    def row(key, **fields):
        return Delivery.objects.create(
            office=office,
            key=key,
            kind="stage_start",
            channel=Channel.EMAIL,
            recipient=f"{key}@example.org",
            subject=key,
            body="x",
            **fields,
        )

    died = row(
        "died", status=Status.SENDING, attempts=1, claimed_at=now - datetime.timedelta(seconds=400)
    )
    busy = row(
        "busy", status=Status.SENDING, attempts=1, claimed_at=now - datetime.timedelta(seconds=20)
    )
    lost = row("lost", created_at=now - datetime.timedelta(seconds=400))
    fresh = row("fresh", created_at=now - datetime.timedelta(seconds=5))
    assert services.deliveries_sweep(now=now, grace_seconds=300) == 2
    assert sorted(m.subject for m in mail.outbox) == ["died", "lost"]
    for delivery, status in ((died, "sent"), (busy, "sending"), (lost, "sent"), (fresh, "queued")):
        delivery.refresh_from_db()
        assert delivery.status == status
    assert died.attempts == 2


@time_machine.travel(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=JAKARTA), tick=False)
def test_confirmation_link_goes_by_whatsapp_when_only_a_number_is_given(
    programme, whatsapp, django_capture_on_commit_callbacks
):
    point = CheckinPointFactory(
        activity=ActivityFactory(
            programme=programme, starts_at=timezone.now() + datetime.timedelta(days=2)
        ),
        requires_registration=True,
        confirm_by_message=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        registration = checkin_services.registration_create(
            point=point, phone=f"+{OK}", consent=True
        )
    assert registration.status == "pending"
    delivery = Delivery.objects.get(kind="registration_confirm")
    assert (delivery.channel, delivery.status) == (Channel.WHATSAPP, Status.SENT)
    text = whatsapp.bodies[-1]["template"]["components"][0]["parameters"][0]["text"]
    assert "/hadir/konfirmasi/" in text and "24" in text
    assert not mail.outbox
