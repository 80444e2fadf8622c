"""Demo step: posters (check-in points) for approved activities, check-ins and tickets.

Everything is synthetic (the demo office is marked as such). Past activities get measured
attendance near their expected or reported figure; a few upcoming ones take registrations
with a full list and a waiting list.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from mitra.activities.models import Activity
from mitra.demo.context import DemoContext
from mitra.regions.models import Region

from .models import AgeBand, CheckIn, CheckinPoint, Gender, How, Registration, RegistrationStatus
from .services import CHECKIN_STATUSES

MAX_PER_ACTIVITY = 120


def _nonce(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


# The live programme's events that take registrations: today's, tomorrow's and the next few;
# its held events get fewer measured check-ins (enough to show, quicker to build).
LIVE_REGISTERING = 10
LIVE_MAX_PER_ACTIVITY = 60


def build(ctx: DemoContext) -> None:
    office = ctx.objects["office"]
    activities = ctx.objects.get("activities")
    if activities is None:
        activities = list(Activity.objects.filter(office=office))
    _build(ctx, activities=activities, rng=ctx.rng, now=timezone.now(), upcoming_count=3)
    live = ctx.objects.get("live")
    if live and live.get("activities"):
        _build(
            ctx,
            activities=live["activities"],
            rng=ctx.live_rng,
            now=ctx.at(ctx.today, 0),
            upcoming_count=LIVE_REGISTERING,
            max_per_activity=LIVE_MAX_PER_ACTIVITY,
        )


def _build(
    ctx: DemoContext,
    *,
    activities: list[Activity],
    rng: random.Random,
    now: datetime.datetime,
    upcoming_count: int,
    max_per_activity: int = MAX_PER_ACTIVITY,
) -> None:
    """Posters for the approved activities; registrations for the next `upcoming_count`
    (or, when every date has passed, the last ones); check-ins for those held before `now`."""
    office = ctx.objects["office"]
    eligible = [
        a for a in activities if a.status in CHECKIN_STATUSES and not getattr(a, "is_online", False)
    ]
    if not eligible:
        ctx.say("    checkin: no approved activities to attach posters to")
        return
    kelurahan = list(
        Region.objects.kelurahan()
        .filter(code__startswith=f"{office.region_id}.")
        .values_list("code", flat=True)
    )
    future = sorted((a for a in eligible if a.starts_at > now), key=lambda a: a.starts_at)
    upcoming = (
        future[:upcoming_count] or sorted(eligible, key=lambda a: a.starts_at)[-upcoming_count:]
    )
    registering = {a.pk for a in upcoming}
    # The first of them asks registrants to confirm by email/WhatsApp before a seat is held.
    confirming = upcoming[0].pk
    points = [
        CheckinPoint(
            office_id=office.pk,
            activity=a,
            requires_registration=a.pk in registering,
            capacity=20 if a.pk in registering else None,
            confirm_by_message=a.pk == confirming,
        )
        for a in eligible
    ]
    # Activities the demo saved one by one already got their point from the approval
    # (`signals`); bulk-created ones did not: create the missing, set the settings on all.
    CheckinPoint.objects.bulk_create(
        points,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["activity"],
        update_fields=["requires_registration", "capacity", "confirm_by_message"],
    )

    registrations = []
    for a in upcoming:
        for n in range(24):
            registrations.append(
                Registration(
                    office_id=office.pk,
                    activity=a,
                    name=f"Peserta Demo {n + 1}",
                    email=f"peserta{n + 1}.{a.pk}@example.org",
                    consent=True,
                    status=RegistrationStatus.CONFIRMED if n < 20 else RegistrationStatus.WAITING,
                    position=None if n < 20 else n - 19,
                    confirmed_at=now if a.pk == confirming else None,
                )
            )
    # Two who have not opened their confirmation link yet: they hold no seat.
    registrations += [
        Registration(
            office_id=office.pk,
            activity=upcoming[0],
            name=f"Peserta Demo {n}",
            email=f"peserta{n}.{confirming}@example.org",
            consent=True,
            status=RegistrationStatus.PENDING,
            created_at=now - datetime.timedelta(hours=n - 24),
        )
        for n in (25, 26)
    ]
    Registration.objects.bulk_create(registrations, batch_size=500)

    checkins = []
    for reg in registrations:  # tickets of activities already held were mostly used
        if reg.activity.starts_at <= now and reg.status == "confirmed" and rng.random() < 0.8:
            at = reg.activity.starts_at + datetime.timedelta(minutes=rng.randint(-20, 30))
            checkins.append(
                CheckIn(
                    office_id=office.pk,
                    activity=reg.activity,
                    how=How.TICKET,
                    registration=reg,
                    scanned_at=at,
                    received_at=at,
                    nonce=_nonce(rng),
                )
            )

    bands = [b.value for b in AgeBand]
    weights = [1, 6, 5, 3, 2, 1]
    for a in eligible:
        if a.starts_at > now:
            continue
        report = getattr(a, "report", None)  # None while no report was written
        expected = report.attendance_total if report is not None else a.expected_attendance
        target = min(max_per_activity, int((expected or 40) * rng.uniform(0.5, 0.95)))
        home = a.kelurahan_id
        for _i in range(target):
            how = How.SELF if rng.random() < 0.8 else How.TALLY
            at = a.starts_at + datetime.timedelta(minutes=rng.randint(-30, 90))
            outside = rng.random() < 0.05
            checkins.append(
                CheckIn(
                    office_id=office.pk,
                    activity=a,
                    how=how,
                    age_band=rng.choices(bands, weights)[0] if how == How.SELF else "",
                    gender=rng.choice([Gender.FEMALE, Gender.MALE]),
                    kelurahan_id=None
                    if outside or how == How.TALLY
                    else (home if home and rng.random() < 0.6 else rng.choice(kelurahan)),
                    outside_city=outside,
                    first_time_voter=(rng.random() < 0.3) if how == How.SELF else None,
                    disability=(rng.random() < 0.04) if how == How.SELF else None,
                    pledge=how == How.SELF and rng.random() < 0.85,
                    scanned_at=at,
                    received_at=at,
                    nonce=_nonce(rng),
                )
            )
    CheckIn.objects.bulk_create(checkins, batch_size=1000)
    ctx.objects["checkin_points"] = points
    ctx.say(
        f"    checkin: {len(points)} posters, {len(checkins)} check-ins, "
        f"{len(registrations)} registrations"
    )
