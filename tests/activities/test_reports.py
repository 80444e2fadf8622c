"""Report validations, EXIF flags, no double counting, overdue reminders."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from mitra.activities import selectors, services
from mitra.activities.models import ReportReminder
from mitra.activities.photos import make_jpeg, read_photo
from mitra.activities.services import ActivityError, PostInput
from mitra.regions.models import Region
from tests.activities.factories import ReportFactory

pytestmark = pytest.mark.django_db


def _report(membership, activity, **figures):
    figures.setdefault("attendance_total", 30)
    return services.report_submit(membership=membership, activity_id=activity.pk, **figures)


@pytest.mark.parametrize(
    "figures, code",
    [
        ({"attendance_total": 0}, "attendance_required"),
        ({"attendance_total": 10, "women": 8, "men": 5}, "sex_exceeds_total"),
        ({"attendance_total": 10, "first_time_voters": 6, "young_voters": 5}, "age_exceeds_total"),
        ({"attendance_total": 10, "disabilities": 11}, "disabilities_exceeds_total"),
        ({"attendance_total": 10, "women": -1}, "negative"),
    ],
)
def test_report_validations(make_activity, coordinator_member, figures, code):
    activity = make_activity("held")
    with pytest.raises(ActivityError) as exc:
        _report(coordinator_member, activity, **figures)
    assert exc.value.code == code
    activity.refresh_from_db()
    assert activity.status == "held"


def test_online_report_needs_posts_and_keeps_platform_figures(
    make_activity, coordinator_member, methods
):
    activity = make_activity(
        "held", method=methods["media-sosial"], is_online=True, online_url="https://x.test/live"
    )
    with pytest.raises(ActivityError) as exc:
        _report(coordinator_member, activity, attendance_total=0)
    assert exc.value.code == "posts_required"
    post = PostInput(url="https://instagram.com/p/1", platform="instagram", reach=900)
    _report(coordinator_member, activity, attendance_total=0, posts=[post])
    assert activity.online_posts.get().reach == 900


def test_attendance_sheet_is_stored(make_activity, coordinator_member, media):
    activity = make_activity("held")
    sheet = SimpleUploadedFile("hadir.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    sheet.checked_kind = "pdf"
    report = _report(coordinator_member, activity, attendance_sheet=sheet)
    assert report.attendance_sheet.name.endswith(".pdf")
    assert "hadir" not in report.attendance_sheet.name  # random name


# --- Evidence ---------------------------------------------------------------------------


def _photo(**kw) -> SimpleUploadedFile:
    data = make_jpeg(**kw)
    upload = SimpleUploadedFile("foto.jpg", data, content_type="image/jpeg")
    upload.checked_kind = "jpeg"
    return upload


def test_photo_is_resized_and_exif_read(media):
    when = datetime.datetime(2024, 10, 5, 9, 30, tzinfo=timezone.get_default_timezone())
    facts = read_photo(io.BytesIO(make_jpeg(size=(4000, 3000), taken_at=when, lat=-6.9, lng=107.6)))
    assert max(facts.width, facts.height) == 1600
    assert facts.taken_at == when
    assert facts.lat == pytest.approx(-6.9, abs=1e-4)
    assert facts.lng == pytest.approx(107.6, abs=1e-4)
    # The stored copy carries no EXIF (GPS is personal data).
    assert b"Exif" not in facts.data[:200]


def test_matching_photo_is_not_flagged(make_activity, coordinator_member, media):
    activity = make_activity("held", lat=-6.90, lng=107.60)
    evidence = services.evidence_add(
        membership=coordinator_member,
        activity_id=activity.pk,
        photo=_photo(taken_at=activity.starts_at, lat=-6.901, lng=107.601),
    )
    assert not evidence.date_mismatch and not evidence.place_mismatch
    assert evidence.distance_km < 1


def test_photo_from_another_day_and_place_is_flagged_not_refused(
    make_activity, coordinator_member, media
):
    activity = make_activity("held", lat=-6.90, lng=107.60)
    evidence = services.evidence_add(
        membership=coordinator_member,
        activity_id=activity.pk,
        photo=_photo(
            taken_at=activity.starts_at - datetime.timedelta(days=30), lat=-6.2, lng=106.8
        ),
    )
    assert evidence.date_mismatch and evidence.place_mismatch
    assert evidence.distance_km > 100


def test_place_is_compared_with_the_kelurahan_label_point(make_activity, coordinator_member, media):
    kel = Region.objects.get(code="32.73.01.1001")
    kel.label_lat, kel.label_lng = -6.87, 107.59
    kel.save()
    activity = make_activity("held", kelurahan=kel)
    far = services.evidence_add(
        membership=coordinator_member,
        activity_id=activity.pk,
        photo=_photo(taken_at=activity.starts_at, lat=-6.95, lng=107.70),
    )
    assert far.place_mismatch


def test_photo_without_exif_is_accepted_without_flags(make_activity, coordinator_member, media):
    activity = make_activity("held")
    evidence = services.evidence_add(
        membership=coordinator_member, activity_id=activity.pk, photo=_photo()
    )
    assert evidence.taken_at is None and not evidence.is_flagged


def test_at_most_ten_photos(make_activity, coordinator_member, media):
    activity = make_activity("held")
    for _ in range(10):
        services.evidence_add(
            membership=coordinator_member, activity_id=activity.pk, photo=_photo(size=(40, 30))
        )
    with pytest.raises(ActivityError) as exc:
        services.evidence_add(
            membership=coordinator_member, activity_id=activity.pk, photo=_photo(size=(40, 30))
        )
    assert exc.value.code == "too_many_photos"


def test_photos_closed_once_reported(make_activity, coordinator_member, media):
    activity = make_activity("reported")
    with pytest.raises(ActivityError) as exc:
        services.evidence_add(
            membership=coordinator_member, activity_id=activity.pk, photo=_photo()
        )
    assert exc.value.code == "photos_closed"


# --- Reach -----------------------------------------------------------------------------


def test_only_verified_reports_count(make_activity, office):
    for status, total in [("verified", 100), ("reported", 50), ("report_returned", 7)]:
        ReportFactory(activity=make_activity(status), attendance_total=total, women=0, men=0)
    totals = selectors.reach_totals(office=office)
    assert totals["activities"] == 1
    assert totals["attendance_total"] == 100


def test_an_activity_serving_two_elections_counts_once(make_activity, office, elections, themes):
    activity = make_activity("verified")
    activity.elections.set(elections)
    activity.themes.set(themes[:2])
    ReportFactory(activity=activity, attendance_total=80, women=40, men=40)
    totals = selectors.reach_totals(office=office)
    assert totals["activities"] == 1 and totals["attendance_total"] == 80
    for election in elections:
        per_election = selectors.reach_totals(
            office=office, filters=selectors.ActivityFilters(election_id=election.pk)
        )
        assert per_election["attendance_total"] == 80
    by_theme = selectors.reach_by(office=office, dimension="theme")
    assert [r["attendance"] for r in by_theme] == [80, 80]
    assert (
        selectors.activity_list(
            membership=None, filters=selectors.ActivityFilters(election_id=elections[0].pk)
        ).count()
        == 0
    )


def test_reach_is_per_office(make_activity, office):
    ReportFactory(activity=make_activity("verified"), attendance_total=10, women=0, men=0)
    from tests.factories import OfficeFactory

    assert selectors.reach_totals(office=OfficeFactory())["attendance_total"] == 0


# --- Overdue and reminders -------------------------------------------------------------


def test_overdue_list_and_reminders_at_3_and_7_days(
    make_activity, coordinator_member, staff_member
):
    coordinator_member.partner.whatsapp = "+6281234567890"
    coordinator_member.partner.save()
    activity = make_activity("approved", days_ago=20)
    make_activity("approved", days_ago=2)  # not yet due
    make_activity("verified", days_ago=20)  # done
    due = activity.report_due_on
    assert services.reminders_send(today=due + datetime.timedelta(days=2)) == []
    rows = selectors.overdue_reports(
        membership=staff_member, today=due + datetime.timedelta(days=2)
    )
    assert [r.activity for r in rows] == [activity]
    assert rows[0].whatsapp_url.startswith("https://wa.me/6281234567890?text=")

    sent = services.reminders_send(today=due + datetime.timedelta(days=3))
    assert [r.days_overdue for r in sent] == [3]
    again = services.reminders_send(today=due + datetime.timedelta(days=4))
    assert again == []
    seven = services.reminders_send(today=due + datetime.timedelta(days=7))
    assert [r.days_overdue for r in seven] == [7]
    later = services.reminders_send(today=due + datetime.timedelta(days=30))
    assert [r for r in later if r.activity_id == activity.pk] == []
    assert ReportReminder.objects.filter(activity=activity).count() == 2
    assert coordinator_member.user.email in ReportReminder.objects.first().recipients


def test_remind_command_sends_email_once(
    make_activity, coordinator_member, django_capture_on_commit_callbacks
):
    activity = make_activity("held", days_ago=30)
    today = (activity.report_due_on + datetime.timedelta(days=3)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_overdue_reports", "--today", today)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_overdue_reports", "--today", today)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [coordinator_member.user.email]
    assert activity.title in mail.outbox[0].subject


def test_photo_of_children_without_guardian_consent_is_never_published(
    client, make_activity, coordinator_member, media
):
    from django.urls import reverse

    from mitra.activities.models import Evidence
    from tests.conftest import login

    activity = make_activity("held")
    login(client, coordinator_member)
    url = reverse("activities:photo_upload", args=[activity.pk])
    for fields in (
        {"shows_children": "on"},
        {"shows_children": "on", "guardian_consent": "on"},
        {},
    ):
        answer = client.post(url, {"photo": _photo(), **fields}, HTTP_ACCEPT="application/json")
        assert answer.status_code == 201
    flagged, agreed, plain = Evidence.objects.order_by("pk")
    assert flagged.shows_children and not flagged.publishable
    assert agreed.shows_children and agreed.guardian_consent and agreed.publishable
    assert plain.publishable
    assert set(Evidence.objects.publishable()) == {agreed, plain}
    # a guardian's consent means nothing for a photo not flagged as showing children
    lone = services.evidence_add(
        membership=coordinator_member,
        activity_id=activity.pk,
        photo=_photo(),
        guardian_consent=True,
    )
    assert not lone.guardian_consent
