"""Scheduled daily (cron / systemd timer): email coordinators of overdue activity reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mitra.activities.services import reminders_send


class Command(BaseCommand):
    help = "Kirim pengingat laporan kegiatan yang terlambat (hari ke-3 dan ke-7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="YYYY-MM-DD (for testing or catching up)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = datetime.date.fromisoformat(options["today"]) if options.get("today") else None
        sent = reminders_send(today=today)
        self.stdout.write(f"{len(sent)} pengingat tercatat")
