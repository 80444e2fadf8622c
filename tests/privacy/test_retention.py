"""Retention by kind, per office: each kind goes after its own days, the purge runs on the
schedule, reports what it removed, and no count changes."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command

from mitra.activities.models import Evidence
from mitra.checkin.models import CheckIn, RefusedScan, Registration
from mitra.checkin.selectors import measured_attendance
from mitra.core.tasks import SCHEDULED_COMMANDS
from mitra.notifications.models import Delivery
from mitra.partners.models import ImportBatch
from mitra.privacy.models import RETENTION_DEFAULTS, PrivacySettings, PurgeRun
from mitra.privacy.retention import office_settings, retention_purge
from tests.checkin.factories import ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
ENDED = datetime.datetime(2024, 10, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def held(office, programme, staff_member):
    PrivacySettings.objects.create(
        office=office,
        attendee_contacts_days=30,
        device_hashes_days=10,
        refused_scans_days=20,
        delivery_logs_days=60,
        photos_days=100,
        import_files_days=5,
    )
    with time_machine.travel(ENDED, tick=False):
        activity = ActivityFactory(
            programme=programme,
            status="held",
            starts_at=ENDED - datetime.timedelta(hours=2),
            ends_at=ENDED,
        )
        registration = RegistrationFactory(
            activity=activity, name="Sari", email="s@example.org", phone="0812", consent=True
        )
        CheckIn.objects.create(
            office=office,
            activity=activity,
            how="self",
            name="Sari",
            scanned_at=ENDED,
            nonce="n" * 16,
            device_hash="d" * 64,
        )
        RefusedScan.objects.create(
            office=office,
            activity=activity,
            nonce="r" * 16,
            reason="already_used",
            registration=registration,
            secret_prefix="abcd",
            scanned_at=ENDED,
            device_hash="e" * 64,
        )
        Delivery.objects.create(
            office=office,
            key="k1",
            kind="registration_confirmed",
            channel="email",
            recipient="s@example.org",
            subject="Tiket",
            body="Halo Sari",
            status="sent",
        )
        Evidence.objects.create(activity=activity, file="activities/1/photos/a.jpg")
        ImportBatch.objects.create(
            office=office,
            created_by=staff_member.user,
            filename="mitra.xlsx",
            rows=[{"narahubung": "Budi", "whatsapp": "+6281234567890"}],
            preview=[{"row": 1}],
        )
    return activity


def _state(activity):
    reg = Registration.objects.get(activity=activity)
    checkin = CheckIn.objects.get(activity=activity)
    refused = RefusedScan.objects.get(activity=activity)
    return {
        "attendee_contacts": reg.email != "" or checkin.name != "",
        "device_hashes": checkin.device_hash != "",
        "refused_scans": refused.device_hash != "" or refused.registration_id is not None,
        "delivery_logs": Delivery.objects.exclude(recipient="").exists(),
        "photos": Evidence.objects.exists(),
        "import_files": ImportBatch.objects.exclude(rows=[]).exists(),
    }


def test_each_kind_goes_after_its_own_days(held):
    kept = dict.fromkeys(RETENTION_DEFAULTS, True)
    assert _state(held) == kept
    steps = [
        (6, "import_files"),
        (11, "device_hashes"),
        (21, "refused_scans"),
        (31, "attendee_contacts"),
        (61, "delivery_logs"),
        (101, "photos"),
    ]
    for days, gone in steps:
        just_before = ENDED + datetime.timedelta(days=days - 2)
        with time_machine.travel(just_before, tick=False):
            retention_purge()
        assert _state(held) == kept, f"{gone} went early"
        with time_machine.travel(ENDED + datetime.timedelta(days=days), tick=False):
            totals = retention_purge()
        kept[gone] = False
        assert _state(held) == kept
        assert totals[gone] >= 1
    assert measured_attendance(held) == 1  # the count stays
    assert Registration.objects.filter(activity=held).count() == 1
    assert Delivery.objects.filter(status="sent").count() == 1


def test_the_purge_reports_what_it_removed_and_a_second_run_removes_nothing(held):
    with time_machine.travel(ENDED + datetime.timedelta(days=200), tick=False):
        out = io.StringIO()
        call_command("purge_personal_data", stdout=out)
        first = PurgeRun.objects.get()
        messages = Delivery.objects.count()  # the ticket message and the one made above
        assert first.counts["photos"] == 1 and first.counts["delivery_logs"] == messages
        assert f"delivery_logs: {messages}" in out.getvalue()
        again = retention_purge()
    assert set(again.values()) == {0}
    assert PurgeRun.objects.count() == 2


def test_office_without_settings_gets_the_safe_defaults(office):
    office.data_retention_days = 45
    office.save(update_fields=["data_retention_days"])
    rules = office_settings(office)
    assert rules.days("attendee_contacts") == 45  # its earlier single period
    assert rules.days("device_hashes") == RETENTION_DEFAULTS["device_hashes"]
    assert max(RETENTION_DEFAULTS.values()) <= 730


def test_the_purge_is_on_the_schedule():
    entries = [
        e for e in django_settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "core.command"
    ]
    assert ("purge_personal_data",) in [e["args"] for e in entries]
    assert "purge_personal_data" in SCHEDULED_COMMANDS
