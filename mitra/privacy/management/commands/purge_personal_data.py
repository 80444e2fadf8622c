from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mitra.privacy.retention import retention_purge


class Command(BaseCommand):
    help = (
        "Remove or blank personal data past each office's retention days, kind by kind "
        "(docs/privacy.md). Counts stay. Scheduled daily by celery beat."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        totals = retention_purge()
        for kind, count in totals.items():
            self.stdout.write(f"{kind}: {count}")
