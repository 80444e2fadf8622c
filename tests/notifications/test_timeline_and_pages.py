"""Timeline messages sent once at their time, digests, the staff page (log, filters, counts,
failures, resend, schedule), templates with test-send, the webhook and the sign-up page."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json

import pytest
import time_machine
from django.core import mail

from mitra.checkin.models import Registration
from mitra.notifications import services
from mitra.notifications.digests import digests_run
from mitra.notifications.models import (
    Channel,
    Delivery,
    MessageTemplate,
    RegistrantLanguage,
    Status,
    VotingDaySignup,
)
from mitra.notifications.services import Recipient
from mitra.notifications.timeline import timeline_run
from tests.checkin.factories import ActivityFactory
from tests.conftest import login
from tests.factories import (
    ElectionFactory,
    OfficeFactory,
    StageFactory,
)

pytestmark = pytest.mark.django_db

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2024, 11, day, hour, minute, tzinfo=JAKARTA)


@pytest.fixture
def timeline(programme, partner, staff_member):
    """Voting day 27 Nov 2024; an activity on the 27th at 13:00 with one consenting registrant
    (English) and one without contact; a stage starting on the 24th; two voting-day sign-ups."""
    activity = ActivityFactory(
        programme=programme,
        partner=partner,
        status="approved",
        starts_at=at(27, 13),
        ends_at=at(27, 15),
    )
    ana = Registration.objects.create(
        office=activity.office, activity=activity, email="ana@example.org", consent=True
    )
    RegistrantLanguage.objects.filter(registration=ana).update(language="en")
    Registration.objects.create(office=activity.office, activity=activity)
    StageFactory(
        election=ElectionFactory(programme=programme),
        name="Masa tenang",
        starts_on=datetime.date(2024, 11, 24),
        ends_on=datetime.date(2024, 11, 26),
    )
    for address, language in (("budi@example.org", "id"), ("cici@example.org", "en")):
        services.voting_day_signup(
            programme=programme, channel=Channel.EMAIL, address=address, language=language
        )
    mail.outbox.clear()
    return activity


def _run(when, capture):
    with time_machine.travel(when, tick=False), capture(execute=True):
        return timeline_run()


def test_timeline_messages_go_out_at_their_time_and_once(
    timeline, staff_member, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _run(at(24, 5), capture)
    assert mail.outbox == []  # before 06:00 nothing of the day goes out
    for _ in range(2):
        _run(at(24, 8), capture)
    assert [m.subject for m in mail.outbox] == ["Tahapan dimulai: Masa tenang"]
    assert mail.outbox[0].to == [staff_member.user.email]

    mail.outbox.clear()
    _run(at(26, 8), capture)
    assert mail.outbox == []  # the day-before reminder waits for 09:00
    for _ in range(2):
        _run(at(26, 9, 30), capture)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ana@example.org"], f"Tomorrow: {timeline.title}")
    ]

    mail.outbox.clear()
    for _ in range(2):
        _run(at(27, 6, 15), capture)
    subjects = sorted((m.to[0], m.subject.split(",")[0].split(":")[0]) for m in mail.outbox)
    assert subjects == [
        ("ana@example.org", "Today"),
        ("budi@example.org", "Ayo ke TPS hari ini"),
        ("cici@example.org", "Go and vote today"),
    ]
    assert "cekdptonline" in next(m for m in mail.outbox if m.to == ["budi@example.org"]).body

    mail.outbox.clear()
    timeline.status = "held"
    timeline.save(update_fields=["status"])
    for _ in range(2):
        _run(at(27, 18), capture)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ana@example.org"], f"Thank you for coming: {timeline.title}")
    ]
    assert "/materi/" in mail.outbox[0].body


def test_report_due_day_reaches_the_coordinator_once(
    programme, partner, coordinator_member, django_capture_on_commit_callbacks
):
    activity = ActivityFactory(
        programme=programme, partner=partner, status="held", starts_at=at(10, 9), ends_at=at(10, 11)
    )
    for _ in range(2):
        _run(at(13, 7), django_capture_on_commit_callbacks)
    due = Delivery.objects.filter(kind="report_due")
    assert sorted(due.values_list("channel", flat=True)) == ["email", "inbox"]
    assert mail.outbox[0].to == [coordinator_member.user.email]
    assert activity.title in mail.outbox[0].subject


def test_weekly_digests_once_per_person_and_week(
    programme, partner, staff_member, coordinator_member, django_capture_on_commit_callbacks
):
    coming = ActivityFactory(
        programme=programme,
        partner=partner,
        status="approved",
        starts_at=at(19, 9),
        ends_at=at(19, 11),
    )
    with (
        time_machine.travel(at(18, 7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        digests_run()
        digests_run()
    by_user = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_user) == sorted([staff_member.user.email, coordinator_member.user.email])
    assert coming.title in by_user[coordinator_member.user.email].body
    assert partner.name in by_user[coordinator_member.user.email].subject


def test_staff_page_log_filters_counts_failures_resend_and_schedule(
    client, office, staff_member, timeline, django_capture_on_commit_callbacks
):
    other_office = OfficeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_queue(
            office=other_office,
            kind="stage_start",
            recipients=[Recipient(Channel.EMAIL, "secret@example.org")],
            values={},
            key="other",
        )
        sent = services.message_queue(
            office=office,
            kind="stage_start",
            recipients=[Recipient(Channel.EMAIL, "ok@example.org")],
            values={},
            key="mine",
        )[0]
    failed = Delivery.objects.create(
        office=office,
        key="failed-one",
        kind="voting_day",
        channel=Channel.EMAIL,
        recipient="bad@example.org",
        body="x",
        status=Status.FAILED,
        attempts=1,
        reason="SMTP 550 recipient refused",
    )
    login(client, staff_member)
    with time_machine.travel(at(20, 10), tick=False):
        page = client.get("/notifikasi/").content.decode()
    assert "secret@example.org" not in page  # another office's log is not shown
    assert "ok@example.org" in page and "SMTP 550 recipient refused" in page
    assert 'data-status="failed">Gagal: <strong>1</strong>' in page
    assert 'data-status="sent">Terkirim: <strong>1</strong>' in page
    assert "WHATSAPP_TOKEN" in page  # the channel is off and says why
    assert "Masa tenang" in page and timeline.title in page  # upcoming schedule
    only_failed = client.get("/notifikasi/?status=failed").content.decode()
    assert "bad@example.org" in only_failed and "ok@example.org" not in only_failed

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/notifikasi/{failed.pk}/kirim-ulang/")
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.SENT, 1)
    assert mail.outbox[-1].to == ["bad@example.org"]
    response = client.post(f"/notifikasi/{sent.pk}/kirim-ulang/", follow=True)
    assert "Hanya pesan yang gagal" in response.content.decode()


def test_coordinators_and_observers_cannot_see_the_log(client, coordinator_member, observer_member):
    for member in (coordinator_member, observer_member):
        login(client, member)
        assert client.get("/notifikasi/").status_code == 403
        assert client.get("/notifikasi/templat/").status_code == 403


def test_staff_edit_a_template_and_test_send_it(
    client, office, staff_member, django_capture_on_commit_callbacks
):
    login(client, staff_member)
    url = "/notifikasi/templat/voting_day/id/"
    assert "Ayo ke TPS" in client.get(url).content.decode()
    bad = client.post(url, {"action": "save", "subject": "Hai {nama}", "body": "x"})
    assert bad.status_code == 400 and "{nama}" in bad.content.decode()
    client.post(
        url, {"action": "save", "subject": "Besok coblos, {date}", "body": "Cek {check_url}"}
    )
    assert MessageTemplate.objects.get(office=office, kind="voting_day", language="id")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "test", "channel": "email"})
    assert mail.outbox[-1].to == [staff_member.user.email]
    assert mail.outbox[-1].subject.startswith("Besok coblos, ")
    assert office.voter_check_url in mail.outbox[-1].body
    # Another language keeps its own default text.
    assert "Go and vote" in client.get("/notifikasi/templat/voting_day/en/").content.decode()
    client.post(url, {"action": "reset"})
    assert not MessageTemplate.objects.exists()


def _signed(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_whatsapp_webhook_checks_the_signature_and_updates_the_log(client, office, settings):
    settings.WHATSAPP_APP_SECRET = "app-secret"
    settings.WHATSAPP_VERIFY_TOKEN = "verify-me"
    delivery = Delivery.objects.create(
        office=office,
        key="wa",
        kind="voting_day",
        channel=Channel.WHATSAPP,
        recipient="+6281200000001",
        body="x",
        status=Status.SENT,
        provider_id="wamid.ABC",
    )

    def status_payload(status, **extra):
        item = {"id": "wamid.ABC", "status": status, "timestamp": "1732672800", **extra}
        return json.dumps({"entry": [{"changes": [{"value": {"statuses": [item]}}]}]}).encode()

    url = "/notifikasi/webhook/whatsapp/"
    body = status_payload("delivered")
    forged = client.post(
        url, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=_signed(body, "wrong")
    )
    assert forged.status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT
    ok = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=_signed(body, "app-secret"),
    )
    assert ok.json() == {"updated": 1}
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED and delivery.delivered_at.year == 2024
    body = status_payload("failed", errors=[{"code": 131047, "title": "Re-engagement message"}])
    client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=_signed(body, "app-secret"),
    )
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED and "131047" in delivery.reason
    verify = client.get(
        url, {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "42"}
    )
    assert verify.content == b"42"
    assert client.get(url, {"hub.mode": "subscribe", "hub.verify_token": "no"}).status_code == 403


def test_voting_day_signup_page(client, programme, settings):
    settings.MITRA_PUBLIC_OFFICE = programme.office.slug
    assert client.get("/notifikasi/ingatkan-saya/").status_code == 200
    bad = client.post(
        "/notifikasi/ingatkan-saya/",
        {"channel": "email", "address": "not-an-email", "consent": "on"},
    )
    assert bad.status_code == 400 and not VotingDaySignup.objects.exists()
    client.cookies["django_language"] = "en"
    ok = client.post(
        "/notifikasi/ingatkan-saya/",
        {"channel": "whatsapp", "address": "0812-3456-7890", "consent": "on"},
    )
    assert ok.status_code == 200
    signup = VotingDaySignup.objects.get()
    assert (signup.channel, signup.address, signup.language) == ("whatsapp", "+6281234567890", "en")


def test_without_a_broker_tasks_run_in_process(tmp_path):
    import subprocess
    import sys

    from tests.notifications.conftest import ROOT

    code = "import config.settings as s; print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
    base = {"MITRA_ENV_FILE": "", "DEBUG": "true", "PATH": "/usr/bin:/bin"}
    alone = subprocess.run(
        [sys.executable, "-c", code], env=base, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert alone.stdout.split() == ["True"]
    redis = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "REDIS_URL": "redis://127.0.0.1:6379/9"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert redis.stdout.split() == ["False", "redis://127.0.0.1:6379/9"]


def test_staff_set_quiet_hours_for_their_office(client, office, staff_member):
    login(client, staff_member)
    client.post("/notifikasi/jam-tenang/", {"quiet_start": "22:00", "quiet_end": "06:30"})
    rules = services.office_messaging(office)
    assert (rules.quiet_start, rules.quiet_end) == (datetime.time(22, 0), datetime.time(6, 30))
    assert services.quiet_until(office, at(20, 23)) == at(21, 6, 30)
    assert services.quiet_until(office, at(20, 12)) is None


def test_voting_day_signups_are_forgotten_after_the_retention_period(office, programme):
    # Addresses and texts of old deliveries are blanked by the privacy purge, per kind
    # (tests/privacy/test_retention.py).
    from mitra.notifications.timeline import personal_data_forget

    office.data_retention_days = 30
    office.save(update_fields=["data_retention_days"])
    services.voting_day_signup(
        programme=programme, channel=Channel.EMAIL, address="x@example.org", language="id"
    )
    personal_data_forget(now=at(27, 9) + datetime.timedelta(days=29))
    assert VotingDaySignup.objects.exists()
    personal_data_forget(now=at(27, 9) + datetime.timedelta(days=31))
    assert not VotingDaySignup.objects.exists()  # voting day + 30 days is past


def test_delivery_log_queries_do_not_grow_with_the_messages(client, office, staff_member):
    """Issue 19's staff lists: the delivery log reads a page of rows in a fixed number of
    queries, however many messages (and of however many kinds) the office has."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            Delivery.objects.create(
                office=office,
                key=f"log-{i}",
                kind=("stage_start", "voting_day")[i % 2],
                channel=(Channel.EMAIL, Channel.INBOX)[i % 2],
                user=staff_member.user if i % 2 else None,
                recipient=f"orang{i}@example.org",
                body="x",
                status=(Status.SENT, Status.FAILED)[i % 2],
                reason="SMTP 550" if i % 2 else "",
            )

    def queries() -> int:
        client.get("/notifikasi/")  # after a write: the person and the office's copies refill
        with CaptureQueriesContext(connection) as seen:
            assert client.get("/notifikasi/").status_code == 200
        return len(seen)

    login(client, staff_member)
    add(0, 3)
    few = queries()
    add(3, 40)
    assert queries() == few
