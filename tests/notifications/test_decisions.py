"""Every decision on an activity reaches the person it concerns (inbox and email), the
reminder to mark a past activity held, and the unread count on every page."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from mitra.activities import services as activity_services
from mitra.notifications.models import Channel, Delivery
from mitra.notifications.timeline import timeline_run
from tests.checkin.factories import ActivityFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2024, 11, day, hour, tzinfo=JAKARTA)


def _inbox(user) -> list[tuple[str, str]]:
    return list(
        Delivery.objects.filter(user=user, channel=Channel.INBOX)
        .order_by("pk")
        .values_list("kind", "body")
    )


def test_each_decision_reaches_staff_or_the_partners_coordinators(
    programme, partner, staff_member, coordinator_member, django_capture_on_commit_callbacks
):
    activity = ActivityFactory(
        programme=programme,
        partner=partner,
        status="draft",
        starts_at=at(10, 9),
        ends_at=at(10, 11),
    )
    capture = django_capture_on_commit_callbacks
    pk, coordinator, staff = activity.pk, coordinator_member, staff_member
    with time_machine.travel(at(5, 9), tick=False):
        with capture(execute=True):
            activity_services.activity_submit(membership=coordinator, activity_id=pk)
        assert [kind for kind, _body in _inbox(staff.user)] == ["activity_submitted"]
        with capture(execute=True):
            activity_services.activity_return(
                membership=staff, activity_id=pk, comment="Tambahkan nama tempat"
            )
            activity_services.activity_submit(membership=coordinator, activity_id=pk)
            activity_services.activity_approve(membership=staff, activity_id=pk)
    with time_machine.travel(at(10, 12), tick=False), capture(execute=True):
        activity_services.activity_mark_held(membership=coordinator, activity_id=pk)
        activity_services.report_submit(
            membership=coordinator, activity_id=pk, attendance_total=30, women=10, men=20
        )
        activity_services.report_return(
            membership=staff, activity_id=pk, comment="Foto daftar hadir kurang jelas"
        )
        activity_services.report_submit(
            membership=coordinator, activity_id=pk, attendance_total=30, women=10, men=20
        )
        activity_services.report_verify(membership=staff, activity_id=pk)

    received = _inbox(coordinator.user)
    assert [kind for kind, _body in received] == [
        "activity_returned",
        "activity_approved",
        "report_returned",
        "report_verified",
    ]
    assert "Tambahkan nama tempat" in received[0][1]
    assert "Foto daftar hadir kurang jelas" in received[2][1]
    # The same decisions went by email, to the coordinator only; staff heard each proposal.
    to_coordinator = [m.subject for m in mail.outbox if m.to == [coordinator.user.email]]
    assert len(to_coordinator) == 4 and to_coordinator[-1].startswith("Laporan diverifikasi")
    assert [kind for kind, _body in _inbox(staff.user)] == ["activity_submitted"] * 2


def test_a_past_approved_activity_reminds_the_coordinator_to_mark_it_held_once(
    programme, partner, coordinator_member, django_capture_on_commit_callbacks
):
    forgotten = ActivityFactory(
        programme=programme,
        partner=partner,
        status="approved",
        starts_at=at(10, 9),
        ends_at=at(10, 11),
    )
    marked = ActivityFactory(
        programme=programme,
        partner=partner,
        status="held",
        starts_at=at(10, 13),
        ends_at=at(10, 15),
    )
    for _ in range(2):
        with (
            time_machine.travel(at(11, 7), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            timeline_run()
    reminders = Delivery.objects.filter(kind="activity_held_reminder")
    assert sorted(reminders.values_list("channel", flat=True)) == ["email", "inbox"]
    assert [m.subject for m in mail.outbox] == [f"Sudah terlaksana? {forgotten.title}"]
    assert marked.title not in mail.outbox[0].body
    assert "paling lambat 13 Nov" in mail.outbox[0].body  # the report's due day


def test_unread_count_on_every_page_until_the_inbox_is_opened(
    client, programme, partner, staff_member, coordinator_member, django_capture_on_commit_callbacks
):
    activity = ActivityFactory(programme=programme, partner=partner, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.activity_approve(membership=staff_member, activity_id=activity.pk)
        activity_services.activity_cancel(membership=coordinator_member, activity_id=activity.pk)
    login(client, coordinator_member)
    for url in ("/akun/", "/kegiatan/", f"/kegiatan/{activity.pk}/"):
        page = client.get(url).content.decode()
        assert 'id="inbox-link">Kotak masuk <span class="badge count">1<' in page, url
    inbox = client.get("/notifikasi/kotak-masuk/").content.decode()
    assert activity.title in inbox
    page = client.get("/kegiatan/").content.decode()
    assert 'id="inbox-link">Kotak masuk</a>' in page  # read: no count any more
    # Staff approved it themselves: nothing of it waits in their inbox.
    client.logout()
    login(client, staff_member)
    assert 'class="badge count"' not in client.get("/kegiatan/").content.decode()
