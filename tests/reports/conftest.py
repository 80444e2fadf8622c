"""A small programme with one partner's work: activities in several states, reports on time
and late, a returned report, photos; for the scorecard, jobs and certificates."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from mitra.activities.models import Evidence, Report, Transition
from mitra.activities.photos import make_jpeg
from mitra.core.uploads import store_upload
from tests.activities.factories import ActivityFactory, MethodFactory
from tests.factories import MembershipFactory, PartnerFactory
from tests.partners.factories import AgreementFactory, DeliverableFactory


@pytest.fixture
def other_partner(office):
    return PartnerFactory(office=office, name="Karang Taruna Lain")


@pytest.fixture
def other_coordinator(other_partner):
    return MembershipFactory(office=other_partner.office, role="coordinator", partner=other_partner)


def _photo(activity, *, date_mismatch: bool = False) -> Evidence:
    data = make_jpeg(size=(64, 48), color=(90, 120, 150), taken_at=activity.starts_at)
    name = store_upload(ContentFile(data, name="p.jpg"), folder="test/photos", kind="jpeg")
    return Evidence.objects.create(
        activity=activity, file=name, taken_at=activity.starts_at, date_mismatch=date_mismatch
    )


@pytest.fixture
def work(media, programme, partner):
    """Partner's activities: 2 verified (one report on time with a photo, one late without),
    one reported (on time, with a photo) whose report was returned once, one draft."""
    now = timezone.now()
    method = MethodFactory(office=programme.office)
    made = {}
    for name, status, days_ago, submitted_after, photo in (
        ("on_time", "verified", 10, 1, True),
        ("late", "verified", 20, 6, False),
        ("returned", "reported", 8, 2, True),
        ("draft", "draft", -5, None, False),
    ):
        starts = now - datetime.timedelta(days=days_ago)
        activity = ActivityFactory(
            programme=programme,
            partner=partner,
            method=method,
            status=status,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
        )
        if submitted_after is not None:
            Report.objects.create(
                activity=activity,
                attendance_total=40,
                women=20,
                men=20,
                submitted_at=activity.ends_at + datetime.timedelta(days=submitted_after),
                verified_at=now if status == "verified" else None,
            )
        if photo:
            _photo(activity)
        made[name] = activity
    Transition.objects.create(
        activity=made["returned"], from_status="reported", to_status="report_returned", at=now
    )
    agreement = AgreementFactory(
        partner=partner,
        valid_from=(now - datetime.timedelta(days=60)).date(),
        valid_until=(now + datetime.timedelta(days=60)).date(),
    )
    DeliverableFactory(agreement=agreement, metric="activities_count", target=2)
    DeliverableFactory(agreement=agreement, metric="activities_count", target=5)
    return made


def png_upload(name: str = "ttd.png") -> io.BytesIO:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (20, 20, 80)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = name
    buffer.checked_kind = "png"  # as CheckedFileField marks it once its content is checked
    return buffer
