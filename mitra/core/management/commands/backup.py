from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.core.backup import BackupError, backup_create


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a restore target has no tables to check yet
    help = (
        "Back up the PostgreSQL database (pg_dump, custom format, no owner) and the uploads "
        "into a new folder under FOLDER, with a manifest of every table's row count. "
        "SECRET_KEY is not included: keep the environment file apart from the data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup = backup_create(into=options["folder"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = backup.manifest["tables"]
        media = backup.manifest["media"]
        self.stdout.write(
            f"{backup.folder}: {len(tables)} tables, {sum(tables.values())} rows, "
            f"{media['files']} uploaded files ({media['bytes']} bytes)."
        )
