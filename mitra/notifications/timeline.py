"""Messages that follow the election timeline: the day before and the day of an activity,
the thank-you after it, the report due day, the start of a stage, voting day, and the
weekly digests. `timeline_run` queues what is due now (idempotent: every message has a
key, so running it every quarter of an hour sends each once); `timeline_upcoming` lists
what the coming days will send, for the staff page.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership, Role
from mitra.activities.models import REPORT_DUE_DAYS, Activity, ActivityStatus
from mitra.activities.selectors import AWAITING_REPORT
from mitra.activities.services import REMINDER_STEPS, reminders_send
from mitra.checkin.models import Registration, RegistrationStatus
from mitra.elections.models import Programme, Stage
from mitra.offices.models import Office

from . import services
from .audiences import (
    absolute,
    activity_values,
    coordinator_recipients,
    local_date,
    registrant_language,
    registrant_recipients,
    registration_values,
    staff_users,
)
from .models import VotingDaySignup
from .services import Recipient

S = ActivityStatus
# Local hours from which the day's messages go out (WhatsApp also waits for quiet hours).
DAY_BEFORE_HOUR = 9
MORNING_HOUR = 6
THANKS_WITHIN = datetime.timedelta(days=2)
AFTER_STATUSES = (S.HELD, S.REPORTED, S.VERIFIED, S.REPORT_RETURNED)


def _local(now: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(now)


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def _registrations(activities: QuerySet[Activity]) -> list[Registration]:
    return list(
        Registration.objects.filter(
            activity__in=activities, status=RegistrationStatus.CONFIRMED, consent=True
        )
        .exclude(email="", phone="")
        .select_related("activity", "activity__office", "activity__kelurahan")
    )


def _registrant_messages(kind: str, registrations: list[Registration]) -> int:
    count = 0
    for registration in registrations:
        language = registrant_language(registration)
        count += len(
            services.message_queue(
                office=registration.activity.office,
                kind=kind,
                recipients=registrant_recipients(registration, language),
                values=registration_values(registration, language),
                key=f"{kind}:{registration.pk}",
            )
        )
    return count


def voting_day_items(
    programme: Programme, office: Office
) -> Iterator[tuple[str, Recipient, dict[str, object]]]:
    how_to_vote = absolute(reverse("portal:how_to_vote"), office_id=office.pk)
    for signup in VotingDaySignup.objects.filter(programme=programme).iterator(chunk_size=2000):
        values: dict[str, object] = {
            "date": local_date(programme.voting_day, signup.language),
            "check_url": office.voter_check_url,
            "how_to_vote_url": how_to_vote,
            "office": office.display_name,
        }
        recipient = Recipient(
            signup.channel, signup.address, None, signup.language, f"s{signup.pk}"
        )
        yield f"voting_day:{programme.pk}", recipient, values


def timeline_run(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Queue every timeline message that is due at `now` and not yet queued."""
    now = now or timezone.now()
    local = _local(now)
    today = local.date()
    counts: dict[str, int] = {}

    if local.hour >= DAY_BEFORE_HOUR:
        start, end = _day_bounds(today + datetime.timedelta(days=1))
        tomorrow = Activity.objects.filter(
            status=S.APPROVED, starts_at__gte=start, starts_at__lt=end
        )
        counts["event_day_before"] = _registrant_messages(
            "event_day_before", _registrations(tomorrow)
        )
    if local.hour >= MORNING_HOUR:
        start, end = _day_bounds(today)
        later_today = Activity.objects.filter(
            status__in=[S.APPROVED, S.HELD], starts_at__gte=max(start, now), starts_at__lt=end
        )
        counts["event_day_of"] = _registrant_messages("event_day_of", _registrations(later_today))
        counts["voting_day"] = 0
        for programme in Programme.objects.filter(voting_day=today).select_related("office"):
            counts["voting_day"] += services.messages_queue_bulk(
                office=programme.office,
                kind="voting_day",
                items=voting_day_items(programme, programme.office),
                now=now,
            )
        counts["stage_start"] = 0
        for stage in Stage.objects.filter(starts_on=today).select_related(
            "election", "election__office"
        ):
            office = stage.election.office
            values: dict[str, object] = {
                "stage": stage.name,
                "election": stage.election.short_name or stage.election.name,
                "starts": local_date(stage.starts_on, "id"),
                "ends": local_date(stage.ends_on, "id"),
                "url": absolute(reverse("portal:timeline"), office_id=office.pk),
            }
            counts["stage_start"] += len(
                services.message_queue(
                    office=office,
                    kind="stage_start",
                    recipients=[
                        r for u in staff_users(office) for r in services.user_recipients(u)
                    ],
                    values=values,
                    key=f"stage_start:{stage.pk}",
                )
            )
        counts["activity_held_reminder"] = 0
        for activity in _still_approved_after(today - datetime.timedelta(days=1)):
            values = activity_values(activity)
            values["due"] = local_date(activity.report_due_on, "id")
            counts["activity_held_reminder"] += len(
                services.message_queue(
                    office=activity.office,
                    kind="activity_held_reminder",
                    recipients=coordinator_recipients(activity),
                    values=values,
                    key=f"held_reminder:{activity.pk}",
                )
            )
        counts["report_due"] = 0
        for activity in _report_due_on(today):
            values = activity_values(activity)
            values["due"] = local_date(today, "id")
            values["url"] = absolute(reverse("activities:report", args=[activity.pk]))
            counts["report_due"] += len(
                services.message_queue(
                    office=activity.office,
                    kind="report_due",
                    recipients=coordinator_recipients(activity),
                    values=values,
                    key=f"report_due:{activity.pk}",
                )
            )
    recently_ended = Activity.objects.filter(
        status__in=AFTER_STATUSES, ends_at__lt=now, ends_at__gte=now - THANKS_WITHIN
    )
    counts["event_thanks"] = _registrant_messages("event_thanks", _registrations(recently_ended))
    # Overdue reports (3 and 7 days): recorded by activities, sent by the receiver here.
    counts["report_overdue"] = len(reminders_send(today=today))
    counts["purged"] = personal_data_forget(now=now)
    return counts


def _still_approved_after(day: datetime.date) -> list[Activity]:
    """Approved activities that ended on `day` and nobody has marked held yet."""
    start, end = _day_bounds(day)
    return list(
        Activity.objects.filter(
            status=S.APPROVED, ends_at__gte=start, ends_at__lt=end
        ).select_related("office", "partner", "created_by")
    )


def _report_due_on(day: datetime.date) -> list[Activity]:
    start, end = _day_bounds(day - datetime.timedelta(days=REPORT_DUE_DAYS))
    return list(
        Activity.objects.filter(
            status__in=AWAITING_REPORT, ends_at__gte=start, ends_at__lt=end
        ).select_related("office", "partner", "created_by")
    )


def personal_data_forget(*, now: datetime.datetime) -> int:
    """Drop the voting-day sign-ups of programmes whose voting day is past the office's
    retention period. Addresses and texts of old deliveries are blanked by the retention
    purge of `mitra.privacy` (kind `delivery_logs`)."""
    total = 0
    for office in Office.objects.only("pk", "data_retention_days"):
        cutoff = now - datetime.timedelta(days=office.data_retention_days)
        total += VotingDaySignup.objects.filter(
            office_id=office.pk, programme__voting_day__lt=timezone.localdate(cutoff)
        ).delete()[0]
    return total


# --- What is coming ------------------------------------------------------------------------


@dataclass(frozen=True)
class Upcoming:
    day: datetime.date
    kind: str
    label: str
    recipients: int


def timeline_upcoming(
    *, office: Office, today: datetime.date | None = None, days: int = 14
) -> list[Upcoming]:
    """The timeline messages of the next `days` days, with how many people each reaches."""
    from .kinds import KINDS

    today = today or timezone.localdate()
    last = today + datetime.timedelta(days=days)
    start, _end = _day_bounds(today)
    end = _day_bounds(last)[1]
    rows: list[Upcoming] = []
    activities = (
        Activity.objects.filter(
            office=office, status=S.APPROVED, starts_at__gte=start, starts_at__lt=end
        )
        .annotate(
            people=Count(
                "registrations",
                filter=Q(
                    registrations__status=RegistrationStatus.CONFIRMED,
                    registrations__consent=True,
                ),
            )
        )
        .filter(people__gt=0)
        .order_by("starts_at")
    )
    for activity in activities:
        day = timezone.localdate(activity.starts_at)
        if day - datetime.timedelta(days=1) >= today:
            rows.append(
                Upcoming(
                    day - datetime.timedelta(days=1),
                    str(KINDS["event_day_before"].label),
                    activity.title,
                    activity.people,  # type: ignore[attr-defined]
                )
            )
        rows.append(
            Upcoming(day, str(KINDS["event_day_of"].label), activity.title, activity.people)  # type: ignore[attr-defined]
        )
    staff = len(staff_users(office))
    for stage in Stage.objects.filter(
        election__office=office, starts_on__gte=today, starts_on__lte=last
    ).select_related("election"):
        rows.append(
            Upcoming(
                stage.starts_on,
                str(KINDS["stage_start"].label),
                f"{stage.name} ({stage.election.short_name})",
                staff,
            )
        )
    for programme in Programme.objects.filter(
        office=office, voting_day__gte=today, voting_day__lte=last
    ):
        rows.append(
            Upcoming(
                programme.voting_day,
                str(KINDS["voting_day"].label),
                programme.name,
                programme.voting_day_signups.count(),
            )
        )
    monday = today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7)
    if monday <= last:
        coordinators = Membership.objects.filter(office=office, role=Role.COORDINATOR).count()
        rows.append(Upcoming(monday, str(KINDS["digest_staff"].label), _("Staf KPU"), staff))
        rows.append(
            Upcoming(
                monday, str(KINDS["digest_partner"].label), _("Koordinator mitra"), coordinators
            )
        )
    awaiting = Activity.objects.filter(
        office=office,
        status__in=AWAITING_REPORT,
        ends_at__gte=start - datetime.timedelta(days=REPORT_DUE_DAYS + max(REMINDER_STEPS)),
        ends_at__lt=end - datetime.timedelta(days=REPORT_DUE_DAYS),
    )
    for pending in awaiting:
        due = pending.report_due_on
        for offset, kind in ((0, "report_due"), *((s, "report_overdue") for s in REMINDER_STEPS)):
            day = due + datetime.timedelta(days=offset)
            if today <= day <= last:
                rows.append(Upcoming(day, str(KINDS[kind].label), pending.title, 1))
    rows.sort(key=lambda r: (r.day, r.kind))
    return rows
