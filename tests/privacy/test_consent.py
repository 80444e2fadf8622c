"""Consent records: one per consent with purpose, text version, channel and time;
withdrawal stops reminders and removes the contact the purpose needed."""

from __future__ import annotations

import dataclasses
import datetime
import uuid

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mitra.checkin import services as checkin
from mitra.checkin.models import CheckIn, Registration
from mitra.core import personal_data
from mitra.notifications import services as messaging
from mitra.notifications.models import Channel, Delivery, VotingDaySignup
from mitra.notifications.timeline import timeline_run
from mitra.privacy import services
from mitra.privacy.models import ConsentRecord, ConsentText

pytestmark = pytest.mark.django_db


def _answers(**extra):
    values = {
        "age_band": "u17",
        "gender": "f",
        "kelurahan": None,
        "outside_city": True,
        "first_time_voter": False,
        "disability": True,
        "pledge": True,
        "name": "Ani",
        "consent": True,
        "sensitive_consent": True,
    }
    values.update(extra)
    return checkin.SelfAnswers(**values)


def test_registration_with_consent_records_purpose_version_channel_and_time(reg_point):
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        registration = checkin.registration_create(
            point=reg_point, name="Sari", email="sari@example.org", consent=True
        )
    record = ConsentRecord.objects.get()
    assert record.registration == registration
    assert (record.purpose, record.channel, record.given_at) == ("registration", "form", moment)
    declared = personal_data.consent_purpose("registration")
    assert record.text.version == declared.version
    assert record.text.text == str(declared.text)  # the exact words shown
    assert record.withdrawn_at is None


def test_registration_without_consent_keeps_no_name_or_contact(reg_point):
    registration = checkin.registration_create(point=reg_point)
    assert (registration.name, registration.email, registration.phone) == ("", "", "")
    assert not ConsentRecord.objects.exists()
    with pytest.raises(checkin.CheckinError) as exc:
        checkin.registration_create(point=reg_point, email="x@example.org", consent=False)
    assert exc.value.code == "consent"


def test_a_new_text_version_is_recorded_apart_and_old_records_keep_theirs(reg_point, monkeypatch):
    first = checkin.registration_create(point=reg_point, email="a@example.org", consent=True)
    declared = personal_data.consent_purpose("registration")
    revised = dataclasses.replace(declared, version="2027-01-1", text="Teks baru yang berbeda.")
    monkeypatch.setitem(personal_data._purposes, "registration", revised)
    second = checkin.registration_create(point=reg_point, email="b@example.org", consent=True)
    old = ConsentRecord.objects.get(registration=first)
    new = ConsentRecord.objects.get(registration=second)
    assert old.text.version == declared.version and old.text.text == str(declared.text)
    assert new.text.version == "2027-01-1" and new.text.text == "Teks baru yang berbeda."
    assert ConsentText.objects.filter(purpose="registration").count() == 2


def test_english_form_records_the_english_text(reg_point, client):
    client.cookies["django_language"] = "en"
    url = reverse("checkin:register", args=[reg_point.token])
    page = client.get(url)
    assert b"/privasi/" in page.content  # the notice next to the consent box
    client.post(url, {"email": "en@example.org", "consent": "on"})
    record = ConsentRecord.objects.get()
    assert record.text.language == "en"


def test_self_checkin_records_name_and_sensitive_consents_separately(self_point):
    created, _new = checkin.self_checkin(
        point=self_point, answers=_answers(), device_id="d1", nonce=uuid.uuid4().hex, channel="api"
    )
    purposes = set(ConsentRecord.objects.values_list("purpose", "channel"))
    assert purposes == {("checkin_name", "api"), ("checkin_sensitive", "api")}
    assert ConsentRecord.objects.filter(checkin=created).count() == 2


def test_without_the_specific_consent_age_and_disability_are_not_kept(self_point):
    created, _new = checkin.self_checkin(
        point=self_point,
        answers=_answers(sensitive_consent=False, consent=False),
        device_id="d2",
        nonce=uuid.uuid4().hex,
    )
    created.refresh_from_db()
    assert (created.age_band, created.disability, created.name) == ("", None, "")
    assert created.gender == "f"  # the rest is still counted
    assert not ConsentRecord.objects.exists()


def test_form_refuses_age_or_disability_without_the_specific_consent(self_point, client):
    url = reverse("checkin:self", args=[self_point.token])
    data = {
        "age_band": "u17",
        "gender": "f",
        "kelurahan": "luar",
        "first_time_voter": "1",
        "nonce": "n" * 32,
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "persetujuan data usia" in response.text
    assert not CheckIn.objects.exists()
    client.post(url, {**data, "sensitive_consent": "on"})
    assert CheckIn.objects.get().age_band == "u17"


def test_voting_day_signup_records_its_consent(programme):
    signup = messaging.voting_day_signup(
        programme=programme, channel=Channel.EMAIL, address="v@example.org", language="id"
    )
    record = ConsentRecord.objects.get()
    assert (record.purpose, record.signup) == ("voting_day", signup)


def test_withdrawal_stops_reminders_and_removes_the_contact(reg_point, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    activity = reg_point.activity
    tomorrow_ten = timezone.localtime() + datetime.timedelta(days=1)
    activity.starts_at = tomorrow_ten.replace(hour=10, minute=0, second=0, microsecond=0)
    activity.ends_at = activity.starts_at + datetime.timedelta(hours=2)
    activity.save(update_fields=["starts_at", "ends_at"])
    keep = checkin.registration_create(point=reg_point, email="keep@example.org", consent=True)
    gone = checkin.registration_create(point=reg_point, email="gone@example.org", consent=True)
    services.consent_withdraw(record=ConsentRecord.objects.get(registration=gone), how="subject")
    gone.refresh_from_db()
    assert (gone.email, gone.consent) == ("", False) and gone.anonymised_at is not None
    mail.outbox.clear()
    nine_thirty = timezone.localtime().replace(hour=9, minute=30) + datetime.timedelta(days=0)
    with time_machine.travel(nine_thirty, tick=False):
        timeline_run(now=nine_thirty)
    reminders = Delivery.objects.filter(kind="event_day_before")
    assert list(reminders.values_list("recipient", flat=True)) == ["keep@example.org"]
    assert Registration.objects.filter(activity=activity).count() == 2  # the seat still counts
    assert ConsentRecord.objects.get(registration=gone).withdrawn_at is not None
    assert ConsentRecord.objects.get(registration=keep).withdrawn_at is None


def test_withdrawing_the_voting_day_consent_drops_the_signup(programme):
    messaging.voting_day_signup(
        programme=programme, channel=Channel.EMAIL, address="v@example.org", language="id"
    )
    services.consent_withdraw(record=ConsentRecord.objects.get(), how="subject")
    assert not VotingDaySignup.objects.exists()


def test_withdrawing_the_sensitive_consent_removes_only_those_answers(self_point):
    created, _new = checkin.self_checkin(
        point=self_point, answers=_answers(), device_id="d3", nonce=uuid.uuid4().hex
    )
    record = ConsentRecord.objects.get(purpose="checkin_sensitive")
    services.consent_withdraw(record=record, how="subject")
    created.refresh_from_db()
    assert (created.age_band, created.disability, created.name) == ("", None, "Ani")
