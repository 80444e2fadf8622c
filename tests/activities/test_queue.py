"""The approval queue shows what staff need to decide, and approving an activity dated in
the past needs a second, deliberate confirmation."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from mitra.activities.models import Activity, Report
from mitra.activities.selectors import proposal_notes, review_queue
from tests.activities.factories import ActivityFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))
NOW = datetime.datetime(2024, 10, 20, 9, tzinfo=JAKARTA)
ISOLA = "32.73.01.1003"


def _at(day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2024, 10, day, hour, tzinfo=JAKARTA)


def _past(partner, programme, day, submitted_day):
    a = ActivityFactory(
        programme=programme,
        partner=partner,
        status="verified",
        starts_at=_at(day),
        ends_at=_at(day, 11),
    )
    Report.objects.create(activity=a, attendance_total=10, submitted_at=_at(submitted_day, 20))
    return a


@time_machine.travel(NOW, tick=False)
def test_queue_shows_record_overlap_and_past_date(
    client, staff_member, partner, other_partner, programme
):
    _past(partner, programme, 1, 3)  # on time (due the 4th)
    _past(partner, programme, 5, 12)  # late
    ActivityFactory(  # ended, still not reported, overdue: late too
        programme=programme, partner=partner, status="held", starts_at=_at(10), ends_at=_at(10, 11)
    )
    ActivityFactory(  # due only on the 22nd: not counted yet
        programme=programme, partner=partner, status="held", starts_at=_at(19), ends_at=_at(19, 11)
    )
    proposal = ActivityFactory(
        programme=programme,
        partner=partner,
        status="submitted",
        kelurahan_id=ISOLA,
        starts_at=_at(25, 9),
        ends_at=_at(25, 11),
        title="Diskusi di Isola",
    )
    same_day = ActivityFactory(
        programme=programme,
        partner=other_partner,
        status="approved",
        kelurahan_id=ISOLA,
        starts_at=_at(25, 15),
        ends_at=_at(25, 17),
        title="Senam sehat pemilih",
    )
    ActivityFactory(  # cancelled ones and other days do not count as overlap
        programme=programme,
        partner=other_partner,
        status="cancelled",
        kelurahan_id=ISOLA,
        starts_at=_at(25, 10),
        ends_at=_at(25, 11),
    )
    ActivityFactory(
        programme=programme,
        partner=other_partner,
        status="approved",
        kelurahan_id=ISOLA,
        starts_at=_at(26, 10),
        ends_at=_at(26, 11),
    )
    late_proposal = ActivityFactory(
        programme=programme,
        partner=other_partner,
        status="submitted",
        starts_at=_at(18),
        ends_at=_at(18, 11),
    )
    queue = review_queue(membership=staff_member)
    notes = proposal_notes(membership=staff_member, proposals=queue.proposals)
    note = notes[proposal.pk]
    assert (note.reports_due, note.reports_on_time) == (3, 1)
    assert [o.pk for o in note.overlaps] == [same_day.pk]
    assert not note.is_past and notes[late_proposal.pk].is_past

    login(client, staff_member)
    page = client.get("/kegiatan/antrean/").content.decode()
    card = page[page.index(f'id="q-{proposal.pk}"') :]
    card = card[: card.index("</li>")]
    assert "1 dari 3" in card and "Senam sehat pemilih" in card and "Isola" in card
    assert 'name="confirm_past"' not in card
    late = page[page.index(f'id="q-{late_proposal.pk}"') :]
    assert 'name="confirm_past"' in late[: late.index("</li>")]


@time_machine.travel(NOW, tick=False)
def test_approving_a_past_activity_needs_the_confirmation(client, staff_member, partner, programme):
    past = ActivityFactory(
        programme=programme,
        partner=partner,
        status="submitted",
        starts_at=_at(18),
        ends_at=_at(18, 11),
    )
    login(client, staff_member)
    url = f"/kegiatan/{past.pk}/aksi/approve/"
    answer = client.post(url, {"next": "queue"}, follow=True)
    assert "bertanggal lampau" in answer.content.decode()
    assert Activity.objects.get(pk=past.pk).status == "submitted"
    client.post(url, {"next": "queue", "confirm_past": "1"})
    assert Activity.objects.get(pk=past.pk).status == "approved"
    # The detail page asks the same.
    other = ActivityFactory(
        programme=programme,
        partner=partner,
        status="submitted",
        starts_at=_at(19),
        ends_at=_at(19, 11),
    )
    assert 'name="confirm_past"' in client.get(f"/kegiatan/{other.pk}/").content.decode()
    assert timezone.now() > other.starts_at
