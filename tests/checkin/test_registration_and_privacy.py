import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mitra.activities.models import Report
from mitra.checkin import services
from mitra.checkin.models import CheckIn, Registration
from mitra.checkin.selectors import attendance_reconciliation, measured_attendance
from mitra.core.errors import DomainError
from tests.checkin.factories import ActivityFactory, CheckinPointFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg_point(programme):
    return CheckinPointFactory(
        activity=ActivityFactory(programme=programme), requires_registration=True, capacity=2
    )


def test_capacity_then_waiting_list_moves_up_on_cancel(
    reg_point, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        a = services.registration_create(point=reg_point, email="a@example.org", consent=True)
        b = services.registration_create(point=reg_point)
        c = services.registration_create(point=reg_point, email="c@example.org", consent=True)
        d = services.registration_create(point=reg_point)
    assert [r.status for r in (a, b, c, d)] == ["confirmed", "confirmed", "waiting", "waiting"]
    assert (c.position, d.position) == (1, 2)
    assert len(mail.outbox) == 2 and "/hadir/tiket/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(secret=a.secret)
    c.refresh_from_db()
    d.refresh_from_db()
    assert c.status == "confirmed" and c.position is None and c.promoted_at
    assert d.status == "waiting"
    assert mail.outbox[-1].to == ["c@example.org"] and "tempat" in mail.outbox[-1].subject
    assert Registration.objects.filter(activity=reg_point.activity, status="confirmed").count() == 2


def test_raising_capacity_promotes_the_waiting(reg_point, staff_member):
    for _ in range(4):
        services.registration_create(point=reg_point)
    services.checkin_point_update(
        membership=staff_member,
        activity_id=reg_point.activity_id,
        self_checkin=True,
        opens_before_minutes=60,
        closes_after_minutes=180,
        requires_registration=True,
        capacity=3,
    )
    assert Registration.objects.filter(status="confirmed").count() == 3


def test_contact_without_consent_is_refused(reg_point):
    with pytest.raises(DomainError):
        services.registration_create(point=reg_point, email="x@example.org")


def test_registration_page_and_ticket_page(client, reg_point):
    url = reverse("checkin:register", args=[reg_point.token])
    response = client.post(url, {"name": "Sari", "consent": "on"})
    reg = Registration.objects.get()
    assert response.url == reverse("checkin:ticket", args=[reg.secret])
    page = client.get(response.url).content.decode()
    assert "data:image/png;base64" in page and "Terkonfirmasi" in page
    client.post(response.url, {"action": "cancel"})
    reg.refresh_from_db()
    assert reg.status == "cancelled"
    assert client.get(reverse("checkin:ticket", args=["salah"])).status_code == 404


def test_used_ticket_cannot_be_cancelled(reg_point, staff_member):
    reg = services.registration_create(point=reg_point)
    services.ticket_scan(
        membership=staff_member,
        activity_id=reg_point.activity_id,
        secret=reg.secret,
        nonce="n1234567",
    )
    with pytest.raises(DomainError):
        services.registration_cancel(secret=reg.secret)


def test_retention_purge_blanks_personal_data_and_keeps_counts(office, programme):
    office.data_retention_days = 30
    office.save()
    old_start = timezone.now() - datetime.timedelta(days=40)
    old = ActivityFactory(
        programme=programme, starts_at=old_start, ends_at=old_start + datetime.timedelta(hours=2)
    )
    recent = ActivityFactory(programme=programme)
    for activity in (old, recent):
        reg = RegistrationFactory(
            activity=activity, name="Nama", email="n@example.org", phone="0812"
        )
        CheckIn.objects.create(
            office=office,
            activity=activity,
            how="ticket",
            registration=reg,
            name="Nama",
            scanned_at=timezone.now(),
            nonce=f"nonce-{activity.pk}",
            device_hash="h" * 64,
        )
    call_command("purge_personal_data", stdout=io.StringIO())
    old_reg = Registration.objects.get(activity=old)
    assert (old_reg.name, old_reg.email, old_reg.phone) == ("", "", "")
    assert old_reg.anonymised_at is not None
    assert CheckIn.objects.get(activity=old).name == ""
    assert CheckIn.objects.get(activity=old).device_hash == ""
    assert Registration.objects.get(activity=recent).name == "Nama"
    assert measured_attendance(old) == 1  # the count stays


def test_reconciliation_flags_more_than_25_percent(programme, office):
    activity = ActivityFactory(programme=programme, status="reported")
    for i in range(10):
        CheckIn.objects.create(
            office=office, activity=activity, how="tally", scanned_at=timezone.now(), nonce=f"r{i}"
        )
    Report.objects.create(activity=activity, attendance_total=12)
    activity.refresh_from_db()
    rec = attendance_reconciliation(activity)
    assert rec["measured"] == 10 and rec["reported"] == 12 and not rec["flagged"]
    activity.report.attendance_total = 200
    assert attendance_reconciliation(activity)["flagged"]


def _export(client, activity):
    response = client.get(reverse("checkin:export", args=[activity.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [cell.value for cell in sheet[1]], [c.value for c in sheet[2]]


def test_export_hides_personal_fields_without_the_right(
    office, programme, staff_member, observer_member
):
    activity = ActivityFactory(programme=programme)
    reg = RegistrationFactory(activity=activity, name="Rahasia", email="r@example.org")
    CheckIn.objects.create(
        office=office,
        activity=activity,
        how="ticket",
        registration=reg,
        scanned_at=timezone.now(),
        nonce="e1",
    )
    staff = Client()
    staff.force_login(staff_member.user)
    header, row = _export(staff, activity)
    assert "Nama" in header and "Rahasia" in row
    observer = Client()
    observer.force_login(observer_member.user)
    header, row = _export(observer, activity)
    assert "Nama" not in header and "Email" not in header and "Rahasia" not in row


def test_manage_page_poster_and_live_counts(
    client, staff_member, coordinator_member, activity, office
):
    client.force_login(staff_member.user)
    page = client.get(reverse("checkin:manage", args=[activity.pk]))
    assert page.status_code == 200 and "hx-get" in page.content.decode()
    pdf = client.get(reverse("checkin:poster", args=[activity.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    counts = client.get(reverse("checkin:live_counts", args=[activity.pk]))
    assert 'data-count="total">0<' in counts.content.decode()
    # the activity's own coordinator reaches it; another office's staff does not
    coord = Client()
    coord.force_login(coordinator_member.user)
    assert coord.get(reverse("checkin:manage", args=[activity.pk])).status_code == 200
    from tests.factories import MembershipFactory, OfficeFactory

    stranger = Client()
    stranger.force_login(MembershipFactory(office=OfficeFactory(), role="staff").user)
    for name in ("manage", "poster", "live_counts"):
        assert stranger.get(reverse(f"checkin:{name}", args=[activity.pk])).status_code == 404


def test_scanner_page_lists_open_activities(client, coordinator_member, observer_member, activity):
    client.force_login(coordinator_member.user)
    page = client.get(reverse("checkin:scanner")).content.decode()
    assert "jsQR.js" in page and f'data-activity="{activity.pk}"' in page
    other = Client()
    other.force_login(observer_member.user)
    assert other.get(reverse("checkin:scanner")).status_code == 404


def test_one_live_registration_per_email_and_per_phone(reg_point):
    reg_point.capacity = 50
    reg_point.save()
    url = reverse("checkin:register", args=[reg_point.token])
    first = Client().post(url, {"name": "Sari", "email": "Sari@Example.org", "consent": "on"})
    assert first.status_code == 302
    again = Client(REMOTE_ADDR="10.1.1.1").post(
        url, {"name": "Sari 2", "email": "sari@example.org", "consent": "on"}
    )
    assert again.status_code == 200
    assert "sudah terdaftar" in again.content.decode()
    Client().post(url, {"name": "Budi", "phone": "0812 3456", "consent": "on"})
    phone_again = Client().post(url, {"name": "Budi", "phone": "0812 3456", "consent": "on"})
    assert "sudah terdaftar" in phone_again.content.decode()
    assert Registration.objects.count() == 2
    # after a cancellation the contact may register again
    Registration.objects.filter(email="sari@example.org").update(status="cancelled")
    assert Client().post(url, {"email": "sari@example.org", "consent": "on"}).status_code == 302


def test_one_address_cannot_take_every_seat(reg_point):
    reg_point.capacity = 100
    reg_point.save()
    url = reverse("checkin:register", args=[reg_point.token])
    limit = services.REGISTRATIONS_PER_ADDRESS_PER_DAY
    same_address = Client(REMOTE_ADDR="10.2.2.2")
    statuses = [
        same_address.post(url, {"name": f"Orang {i}", "consent": "on"}).status_code
        for i in range(limit + 2)
    ]
    assert statuses[:limit] == [302] * limit
    assert statuses[limit:] == [429, 429]
    assert Registration.objects.count() == limit
    other = Client(REMOTE_ADDR="10.3.3.3").post(url, {"name": "Lain", "consent": "on"})
    assert other.status_code == 302


def test_registrations_on_the_attendance_page_cost_the_same_queries_however_many(
    client, reg_point, staff_member
):
    """Issue 19's staff lists: the attendance page lists its registrations in a fixed
    number of queries (no per-row work in the template)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import login

    url = reverse("checkin:manage", args=[reg_point.activity_id])

    def queries() -> int:
        client.get(url)  # after a write: the person and the office's copies refill
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    reg_point.capacity = 100
    reg_point.save(update_fields=["capacity"])
    login(client, staff_member)
    for i in range(2):
        services.registration_create(point=reg_point, email=f"a{i}@example.org", consent=True)
    few = queries()
    for i in range(2, 30):
        services.registration_create(point=reg_point, email=f"a{i}@example.org", consent=True)
    assert queries() == few
