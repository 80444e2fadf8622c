"""What the demo tests share: the frozen morning they build on and the live programme's
figures that two builds on the same day must agree on."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from mitra.activities.models import Activity, Report
from mitra.checkin.models import CheckIn, Registration
from mitra.elections.models import Programme

WIB = ZoneInfo("Asia/Jakarta")
MORNING = datetime.datetime(2026, 3, 10, 7, 30, tzinfo=WIB)
TODAY = MORNING.date()


def live_figures(programme: Programme) -> dict[str, object]:
    """What two builds on the same day must agree on (ids aside)."""
    activities = Activity.objects.filter(programme=programme)
    return {
        "voting_day": programme.voting_day,
        "activities": sorted(
            activities.values_list("title", "status", "starts_at", "kelurahan_id", "partner__code")
        ),
        "reports": sorted(
            Report.objects.filter(activity__programme=programme).values_list(
                "attendance_total", "women", "submitted_at"
            )
        ),
        "checkins": CheckIn.objects.filter(activity__programme=programme).count(),
        "registrations": Registration.objects.filter(activity__programme=programme).count(),
    }
