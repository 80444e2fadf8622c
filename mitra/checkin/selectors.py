"""Reads of attendance: the public point by token, live counts, reconciliation, exports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right
from mitra.activities.models import Activity
from mitra.activities.selectors import activities_visible

from .models import (
    AgeBand,
    CheckIn,
    CheckinPoint,
    Gender,
    How,
    RefusedScan,
    Registration,
    RegistrationStatus,
)
from .services import CHECKIN_STATUSES

# The report's attendance is flagged for the verifier when it differs from the measured
# count (check-ins) by more than this share of the reported figure. Measured counts are a
# floor (not everyone checks in), so the threshold is generous.
RECONCILIATION_THRESHOLD = 0.25


def point_by_token(*, token: str) -> CheckinPoint | None:
    """The public check-in point behind a poster's token (None → 404, nothing revealed)."""
    if not token or len(token) > 40:
        return None
    return (
        CheckinPoint.objects.select_related(
            "activity",
            "activity__programme",
            "activity__partner",
            "activity__kelurahan",
            "office",
            "office__region",  # the self check-in form names the city
        )
        .filter(token=token, activity__status__in=CHECKIN_STATUSES)
        .first()
    )


def registration_by_secret(*, secret: str) -> Registration | None:
    if not secret or len(secret) > 40:
        return None
    return (
        Registration.objects.select_related("activity", "activity__checkin_point")
        .filter(secret=secret)
        .first()
    )


def checkin_counts(*, activity_id: int) -> dict[str, Any]:
    """Checked-in counts of one activity by how and by segment (one aggregate query)."""
    bands = list(AgeBand)
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "self_checkin": Count("pk", filter=Q(how=How.SELF)),
        "ticket": Count("pk", filter=Q(how=How.TICKET)),
        "tally": Count("pk", filter=Q(how=How.TALLY)),
        "women": Count("pk", filter=Q(gender=Gender.FEMALE)),
        "men": Count("pk", filter=Q(gender=Gender.MALE)),
        "first_time": Count("pk", filter=Q(first_time_voter=True)),
        "disability": Count("pk", filter=Q(disability=True)),
        "pledge": Count("pk", filter=Q(pledge=True)),
        "outside_city": Count("pk", filter=Q(outside_city=True)),
    }
    for index, band in enumerate(bands):
        aggregates[f"age{index}"] = Count("pk", filter=Q(age_band=band.value))
    row = CheckIn.objects.filter(activity_id=activity_id).aggregate(**aggregates)
    row["age_bands"] = [(band.label, row.pop(f"age{i}")) for i, band in enumerate(bands)]
    registrations = Registration.objects.filter(activity_id=activity_id).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )
    row.update(registrations)
    row["refused"] = RefusedScan.objects.filter(activity_id=activity_id).count()
    return row


def measured_attendance(activity: Activity | int) -> int:
    """People counted at the activity (self check-ins, scanned tickets and tallies)."""
    activity_id = activity if isinstance(activity, int) else activity.pk
    return CheckIn.objects.filter(activity_id=activity_id).count()


def attendance_reconciliation(activity: Activity) -> dict[str, Any]:
    """Reported vs measured attendance, flagged when they differ by more than 25 %.

    `flagged` is True when check-ins were taken and |reported − measured| exceeds
    RECONCILIATION_THRESHOLD × reported (or nothing was reported while people checked in).
    Without any check-in nothing is flagged: attendance was simply not measured.
    """
    measured = measured_attendance(activity)
    report = getattr(activity, "report", None)
    reported = report.attendance_total if report is not None else None
    flagged = False
    difference = None
    if measured and reported is not None:
        difference = reported - measured
        flagged = abs(difference) > RECONCILIATION_THRESHOLD * reported if reported else True
    return {
        "reported": reported,
        "measured": measured,
        "difference": difference,
        "flagged": flagged,
        "threshold_percent": round(RECONCILIATION_THRESHOLD * 100),
    }


def scanner_activities(
    *, membership: Membership | None, now: datetime.datetime | None = None
) -> QuerySet[Activity]:
    """Activities a scanner may pick: open for attendance, from yesterday to a week ahead."""
    now = now or timezone.now()
    if not has_right(membership, Right.SCAN_TICKETS):
        return Activity.objects.none()
    return (
        activities_visible(membership=membership)
        .filter(
            status__in=CHECKIN_STATUSES,
            starts_at__gte=now - datetime.timedelta(days=1),
            starts_at__lte=now + datetime.timedelta(days=7),
        )
        .select_related("partner")
        .order_by("starts_at", "pk")
    )


def managed_activity(*, membership: Membership | None, activity_id: int) -> Activity | None:
    return (
        activities_visible(membership=membership)
        .select_related("programme", "partner", "kelurahan", "office")
        .filter(pk=activity_id)
        .first()
    )


def point_of(*, activity: Activity) -> CheckinPoint | None:
    """The activity's check-in point, or None before the activity was approved (a read: the
    point is created by the approval, see `signals`)."""
    point = CheckinPoint.objects.filter(activity_id=activity.pk).first()
    if point is not None:
        point.activity = activity
    return point


def registrations_of(*, activity_id: int) -> QuerySet[Registration]:
    return Registration.objects.filter(activity_id=activity_id).order_by(
        "status", "position", "created_at", "pk"
    )


@dataclass(frozen=True)
class RegistrationState:
    """What a visitor of an activity's public page needs to know to register or check in."""

    point: CheckinPoint
    registration: bool  # the activity takes registrations
    registration_open: bool  # …and still does (until its check-in window closes)
    capacity: int | None
    confirmed: int
    waiting: int
    self_checkin_open: bool  # the poster's self check-in is open right now

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.confirmed >= self.capacity


def registration_state(
    *, point: CheckinPoint, now: datetime.datetime | None = None
) -> RegistrationState:
    """Seats taken and waiting (one aggregate query) and what is open now."""
    now = now or timezone.now()
    counts = Registration.objects.filter(activity_id=point.activity_id).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )
    live = point.activity.status in CHECKIN_STATUSES
    return RegistrationState(
        point=point,
        registration=point.requires_registration,
        registration_open=point.requires_registration and live and now <= point.window()[1],
        capacity=point.capacity,
        confirmed=counts["confirmed"],
        waiting=counts["waiting"],
        self_checkin_open=point.self_checkin and live and point.is_open(now),
    )


def public_point(*, activity_id: int, office_id: int | None = None) -> CheckinPoint | None:
    """The check-in point of a public (approved, shown on the site) activity, with what the
    registration page shows; None for any other activity (→ 404), and with `office_id` (a
    site of its own per office) for another office's activity."""
    points = CheckinPoint.objects.select_related(
        "activity", "activity__programme", "activity__kelurahan", "office"
    ).filter(
        activity_id=activity_id,
        activity__in=Activity.objects.public(),
        activity__status__in=CHECKIN_STATUSES,
    )
    if office_id is not None:
        points = points.filter(activity__office_id=office_id)
    return points.first()


def public_registration_state(*, activity: Activity) -> RegistrationState | None:
    """The registration and self check-in state of a public activity; None without a
    check-in point (the activity takes neither)."""
    point = point_of(activity=activity)
    return None if point is None else registration_state(point=point)
