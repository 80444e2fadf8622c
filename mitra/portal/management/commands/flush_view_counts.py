from typing import Any

from django.core.management.base import BaseCommand

from mitra.portal.services import view_counts_flush, views_buffered


class Command(BaseCommand):
    help = (
        "Apply article views buffered in Redis to the database (run every minute; the site "
        "also flushes by itself every few seconds). Safe to run at any time, in parallel."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not views_buffered():
            self.stdout.write("Views are written straight to the database (no REDIS_URL).")
            return
        applied = view_counts_flush()
        self.stdout.write(f"{applied} views applied.")
