"""Delivery over the real machinery: a Celery worker process on a Redis broker, a local SMTP
server and a local HTTP server answering like the WhatsApp Cloud API."""

from __future__ import annotations

import datetime
import time

from mitra.notifications import services
from mitra.notifications.models import Channel, Delivery, OfficeMessaging, Status
from mitra.notifications.services import Recipient
from mitra.notifications.tasks import deliver
from tests.factories import MembershipFactory, OfficeFactory, ensure_bandung_regions
from tests.notifications.servers import BUSY_ONCE, DOWN_TWICE, INVALID, OK


def _wait_until_final(pks: list[int], timeout: float = 90.0) -> dict[int, Delivery]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = {d.pk: d for d in Delivery.objects.filter(pk__in=pks)}
        if all(d.status in (Status.SENT, Status.FAILED) for d in rows.values()):
            return rows
        time.sleep(0.2)
    raise AssertionError(
        "not final in time: "
        + str({d.pk: (d.status, d.attempts, d.reason) for d in Delivery.objects.filter(pk__in=pks)})
    )


def test_worker_sends_email_and_whatsapp_retries_transient_gives_up_on_4xx_and_never_twice(
    celery_worker,
):
    office = OfficeFactory(region=ensure_bandung_regions())
    # The worker runs in its own process, where the clock cannot be frozen: no quiet hours
    # for this office (equal start and end), so WhatsApp goes at any hour the suite runs.
    # Quiet hours have their own tests.
    OfficeMessaging.objects.create(
        office=office, quiet_start=datetime.time(0, 0), quiet_end=datetime.time(0, 0)
    )
    user = MembershipFactory(office=office, role="staff").user
    smtp, whatsapp = celery_worker["smtp"], celery_worker["whatsapp"]
    recipients = [
        Recipient(Channel.EMAIL, user.email, user, "id"),
        Recipient(Channel.INBOX, "", user, "id"),
        *(
            Recipient(Channel.WHATSAPP, f"+{n}", None, "id")
            for n in (OK, BUSY_ONCE, DOWN_TWICE, INVALID)
        ),
    ]
    queued = services.message_queue(
        office=office,
        kind="stage_start",
        recipients=recipients,
        values={
            "stage": "Masa kampanye",
            "election": "Pilwalkot",
            "starts": "1",
            "ends": "2",
            "url": "u",
        },
        key="worker-test",
    )
    assert len(queued) == 6
    rows = _wait_until_final([d.pk for d in queued])
    by = {(d.channel, d.recipient.lstrip("+")): d for d in rows.values()}

    email = by[(Channel.EMAIL, user.email)]
    assert email.status == Status.SENT and email.attempts == 1
    assert [m["to"] for m in smtp.sink.messages] == [[user.email]]
    assert "Masa kampanye" in str(smtp.sink.messages[0]["data"])
    assert by[(Channel.INBOX, "")].status == Status.SENT

    assert by[(Channel.WHATSAPP, OK)].status == Status.SENT
    assert by[(Channel.WHATSAPP, OK)].provider_id.startswith("wamid.")
    busy = by[(Channel.WHATSAPP, BUSY_ONCE)]
    assert (busy.status, busy.attempts, whatsapp.tries[BUSY_ONCE]) == (Status.SENT, 2, 2)
    down = by[(Channel.WHATSAPP, DOWN_TWICE)]
    assert (down.status, down.attempts, whatsapp.tries[DOWN_TWICE]) == (Status.SENT, 3, 3)
    invalid = by[(Channel.WHATSAPP, INVALID)]
    assert (invalid.status, invalid.attempts, whatsapp.tries[INVALID]) == (Status.FAILED, 1, 1)
    assert "131026" in invalid.reason and "not a valid WhatsApp user" in invalid.reason
    assert dict(whatsapp.accepted) == {OK: 1, BUSY_ONCE: 1, DOWN_TWICE: 1}

    # The same tasks again (a broker redelivery, a double click, a sweep): nothing new goes out.
    for delivery in queued:
        deliver.delay(delivery.pk)
    services.message_queue(
        office=office,
        kind="stage_start",
        recipients=recipients,
        values={"stage": "x", "election": "x", "starts": "1", "ends": "2", "url": "u"},
        key="worker-test",
    )
    services.deliveries_sweep(grace_seconds=0)
    time.sleep(2.0)
    assert dict(whatsapp.accepted) == {OK: 1, BUSY_ONCE: 1, DOWN_TWICE: 1}
    assert len(smtp.sink.messages) == 1
    assert Delivery.objects.filter(key__startswith="worker-test").count() == 6
