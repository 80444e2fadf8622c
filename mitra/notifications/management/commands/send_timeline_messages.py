from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from mitra.notifications.digests import digests_run
from mitra.notifications.services import deliveries_sweep
from mitra.notifications.timeline import timeline_run

DIGEST_WEEKDAY, DIGEST_HOUR = 0, 7  # Monday 07:00, as in CELERY_BEAT_SCHEDULE


class Command(BaseCommand):
    help = (
        "Queue the timeline messages that are due (day before/of, thank-you, report due and "
        "overdue, stage start, voting day; the weekly digests from Monday 07:00) and send "
        "again what is waiting. Idempotent: beat does this with a broker; without one, run "
        "it from cron every quarter of an hour."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = timeline_run()
        now = timezone.localtime()
        if now.weekday() == DIGEST_WEEKDAY and now.hour >= DIGEST_HOUR:
            counts["digests"] = digests_run()
        counts["swept"] = deliveries_sweep()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(counts.items())))
