"""Requests of the people concerned: a one-time code through the messaging, the data page
and downloads, follow-ups queued for staff with the legal deadline, every step logged, and
erasure that keeps every count."""

from __future__ import annotations

import datetime
import json
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mitra.activities.models import Evidence
from mitra.analytics.selectors import area_attendance
from mitra.checkin import services as checkin
from mitra.checkin.exports import AttendanceExporter
from mitra.checkin.models import CheckIn, Registration
from mitra.checkin.selectors import checkin_counts, measured_attendance
from mitra.notifications.models import Delivery
from mitra.offices.models import ReachSource
from mitra.privacy import services
from mitra.privacy.models import ConsentRecord, DataRequest, RequestStatus
from tests.conftest import login

pytestmark = pytest.mark.django_db
EMAIL = "sari@example.org"


@pytest.fixture(autouse=True)
def _eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Messages go out after the commit: `with committed():` runs them at the block's end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def start(office, committed):
    def run(**kwargs):
        with committed():
            return services.request_start(office=office, **kwargs)

    return run


def _code_from_mail() -> str:
    message = next(m for m in reversed(mail.outbox) if "konfirmasi" in m.subject.lower())
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found
    return found.group(1)


@pytest.fixture
def registered(reg_point):
    registration = checkin.registration_create(
        point=reg_point, name="Sari", email=EMAIL, phone="0812-3456-7890", consent=True
    )
    mail.outbox.clear()
    return registration


def test_code_goes_through_the_delivery_log_and_leaves_it_once_used(
    start, committed, office, registered
):
    request = start(kind="access", channel="email", address=EMAIL)
    delivery = Delivery.objects.get(kind="privacy_code")
    assert delivery.recipient == EMAIL and delivery.status == "sent"
    code = _code_from_mail()
    assert code in delivery.body
    services.request_verify(token=request.token, code=code)
    delivery.refresh_from_db()
    assert code not in delivery.body  # the log keeps that it was sent, not the code


def test_unknown_address_gets_no_code_and_the_same_answer(
    start, committed, office, client, registered
):
    response = client.post(
        reverse("privacy:request"),
        {"kind": "access", "channel": "email", "address": "nobody@example.org"},
    )
    assert response.status_code == 302
    assert mail.outbox == []
    request = DataRequest.objects.get()
    assert list(request.events.values_list("action", flat=True)) == ["requested", "no_data"]


def test_wrong_codes_are_counted_and_then_refused(start, committed, office, registered):
    request = start(kind="access", channel="email", address=EMAIL)
    code = _code_from_mail()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.CODE_ATTEMPTS):
        with pytest.raises(services.PrivacyError):
            services.request_verify(token=request.token, code=wrong)
    with pytest.raises(services.PrivacyError) as exc:
        services.request_verify(token=request.token, code=code)  # right, but too late
    assert exc.value.code == "code_expired"


def test_code_expires_after_fifteen_minutes(start, committed, office, registered):
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        request = start(kind="access", channel="email", address=EMAIL)
    code = _code_from_mail()
    with (
        time_machine.travel(moment + datetime.timedelta(minutes=16), tick=False),
        pytest.raises(services.PrivacyError) as exc,
    ):
        services.request_verify(token=request.token, code=code)
    assert exc.value.code == "code_expired"


def test_whatsapp_number_in_another_notation_finds_the_registration(
    start, committed, office, registered
):
    request = start(kind="access", channel="whatsapp", address="+62 812 3456 7890")
    assert request.address == "+6281234567890"
    assert "code_sent" in request.events.values_list("action", flat=True)


def test_from_form_to_completion_with_the_deadline(
    start, committed, office, client, staff_member, registered
):
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        with committed():
            client.post(
                reverse("privacy:request"), {"kind": "access", "channel": "email", "address": EMAIL}
            )
        request = DataRequest.objects.get()
        response = client.post(
            reverse("privacy:code", args=[request.token]), {"code": _code_from_mail()}
        )
        assert response.status_code == 302
        page = client.get(reverse("privacy:data", args=[request.token]))
        assert "Sari" in page.text and EMAIL in page.text
        assert page["Cache-Control"].startswith("private")
        exported = client.get(reverse("privacy:download", args=[request.token, "json"]))
        body = json.loads(exported.content)
        assert body["registrations"][0]["email"] == EMAIL
        assert body["consents"][0]["purpose"] == "registration"
        csv_answer = client.get(reverse("privacy:download", args=[request.token, "csv"]))
        assert EMAIL in b"".join(csv_answer.streaming_content).decode()
        client.post(
            reverse("privacy:follow_up", args=[request.token]),
            {"kind": "correct", "details": "Nama saya Sari Dewi"},
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE  # access is answered by the page itself
    correction = DataRequest.objects.get(kind="correct")
    assert correction.status == RequestStatus.OPEN
    assert correction.due_at == moment + datetime.timedelta(hours=72)

    login(client, staff_member)
    with time_machine.travel(moment + datetime.timedelta(hours=80), tick=False):
        queue = client.get(reverse("privacy:queue"))
        assert "lewat batas" in queue.text  # past the 3 × 24 hours
        client.post(
            reverse("privacy:detail", args=[correction.pk]),
            {"action": "done", "note": "Nama diperbaiki."},
        )
    correction.refresh_from_db()
    assert correction.status == RequestStatus.DONE and correction.outcome == "Nama diperbaiki."
    actions = list(correction.events.values_list("action", "actor_id"))
    assert actions == [("requested", None), ("verified", None), ("done", staff_member.user_id)]
    assert [a for a, _ in request.events.values_list("action", "actor_id")] == [
        "requested",
        "code_sent",
        "verified",
        "shown",
        "exported_json",
        "exported_csv",
    ]


def test_deadline_is_a_setting(start, committed, office, registered, settings):
    settings.PRIVACY_REQUEST_DEADLINE_HOURS = 24
    request = start(kind="access", channel="email", address=EMAIL)
    request = services.request_verify(token=request.token, code=_code_from_mail())
    assert request.due_at - request.verified_at == datetime.timedelta(hours=24)


def test_data_page_needs_the_code_in_this_browser(start, committed, office, client, registered):
    request = start(kind="access", channel="email", address=EMAIL)
    services.request_verify(token=request.token, code=_code_from_mail())
    # Knowing the link is not enough: the code was confirmed in another browser.
    assert client.get(reverse("privacy:data", args=[request.token])).status_code == 404


def test_withdraw_from_the_data_page(start, committed, office, client, registered):
    with committed():
        client.post(
            reverse("privacy:request"), {"kind": "access", "channel": "email", "address": EMAIL}
        )
    request = DataRequest.objects.get()
    client.post(reverse("privacy:code", args=[request.token]), {"code": _code_from_mail()})
    record = ConsentRecord.objects.get()
    client.post(reverse("privacy:withdraw", args=[request.token, record.pk]))
    record.refresh_from_db()
    registered.refresh_from_db()
    assert record.withdrawn_at is not None and registered.email == ""


def test_other_offices_staff_and_coordinators_do_not_see_requests(
    start, committed, office, client, coordinator_member, registered
):
    request = start(kind="erase", channel="email", address=EMAIL)
    login(client, coordinator_member)
    assert client.get(reverse("privacy:queue")).status_code == 403
    assert client.get(reverse("privacy:detail", args=[request.pk])).status_code == 403


def test_erasure_removes_the_person_everywhere_and_keeps_every_count(
    start, committed, office, staff_member, registered, reg_point, media
):
    office.reach_source = ReachSource.MEASURED
    office.save(update_fields=["reach_source"])
    activity = reg_point.activity
    other = checkin.registration_create(
        point=reg_point, name="Budi", email="b@example.org", consent=True
    )
    for i, registration in enumerate((registered, other)):
        CheckIn.objects.create(
            office=office,
            activity=activity,
            how="ticket",
            registration=registration,
            scanned_at=timezone.now(),
            nonce=f"n{i}" * 8,
            device_hash=f"{i}" * 64,
        )
    photo = Evidence.objects.create(activity=activity, file="activities/1/photos/x.jpg")
    activities = type(activity).objects.filter(pk=activity.pk)
    before = (
        checkin_counts(activity_id=activity.pk),
        measured_attendance(activity),
        area_attendance(office=office, activities=activities, threshold=0),
    )
    assert before[1] == 2 and before[0]["confirmed"] == 2

    request = start(kind="erase", channel="email", address=EMAIL)
    request = services.request_verify(token=request.token, code=_code_from_mail())
    services.request_photos_flag(
        membership=staff_member, request_id=request.pk, evidence_ids=[photo.pk]
    )
    counts = services.request_erase(membership=staff_member, request_id=request.pk)

    registered.refresh_from_db()
    assert (registered.name, registered.email, registered.phone) == ("", "", "")
    assert not Delivery.objects.filter(recipient__iexact=EMAIL).exists()
    assert not Evidence.objects.filter(pk=photo.pk).exists()
    assert CheckIn.objects.get(registration=registered).device_hash == ""
    assert counts["registrations"] == 1 and counts["photos"] == 1
    assert Registration.objects.get(pk=other.pk).email == "b@example.org"  # others untouched
    after = (
        checkin_counts(activity_id=activity.pk),
        measured_attendance(activity),
        area_attendance(office=office, activities=activities, threshold=0),
    )
    assert after == before  # no figure drops when a name is erased
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE
    assert request.events.filter(action="erased", actor=staff_member.user).exists()
    exported = list(AttendanceExporter(activities=activities, membership=staff_member).rows())
    assert all(EMAIL not in map(str, row) for row in exported)
