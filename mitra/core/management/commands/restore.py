from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a restore target has no tables to check yet
    help = (
        "Restore a folder made by `backup` into the (new, empty) database DATABASE_URL names "
        "and into MEDIA_ROOT, then check every table's row count and the uploads against "
        "the backup's manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--create", action="store_true", help="create the database first (createdb)"
        )
        parser.add_argument(
            "--other-secret-key",
            action="store_true",
            help="restore although SECRET_KEY differs (sessions, signed cookies and "
            "check-in device hashes of the backup become void)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(
                folder=options["folder"],
                create=options["create"],
                other_secret_key=options["other_secret_key"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored and verified: {result['tables']} tables, {result['rows']} rows, "
            f"{result['files']} uploaded files ({result['bytes']} bytes) as in the backup."
        )
