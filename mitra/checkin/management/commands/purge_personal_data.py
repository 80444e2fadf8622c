from typing import Any

from django.core.management.base import BaseCommand

from mitra.checkin.services import personal_data_purge


class Command(BaseCommand):
    help = (
        "Blank names, contacts and device hashes of attendance older than each office's "
        "retention period (Office.data_retention_days). Counts stay. Unconfirmed registrations "
        "past their confirmation limit expire. Run daily (cron/timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        totals = personal_data_purge()
        self.stdout.write(
            "Anonymised: {registrations} registrations, {checkins} check-ins, "
            "{refused} refused scans; {pending_expired} unconfirmed registrations "
            "expired.".format(**totals)
        )
