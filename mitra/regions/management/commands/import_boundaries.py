from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.regions.services import RegionImportError, boundaries_import


class Command(BaseCommand):
    help = (
        "Attach boundary polygons from a GeoJSON file to regions by code (properties kode, nama)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            result = boundaries_import(raw=raw)
        except RegionImportError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"{len(result.attached)} boundaries attached."))
        if result.unmatched:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(result.unmatched)} codes matched no region: "
                    + ", ".join(result.unmatched)
                )
            )
