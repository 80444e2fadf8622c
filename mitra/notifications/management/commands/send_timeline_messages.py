from typing import Any

from django.core.management.base import BaseCommand

from mitra.notifications.services import deliveries_sweep
from mitra.notifications.timeline import timeline_run


class Command(BaseCommand):
    help = (
        "Queue the timeline messages that are due (day before/of, thank-you, report due and "
        "overdue, stage start, voting day) and send again what is waiting. Idempotent; beat "
        "runs it with a broker, a cron line without one."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = timeline_run()
        counts["swept"] = deliveries_sweep()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(counts.items())))
