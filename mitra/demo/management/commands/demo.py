import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mitra.demo.builder import demo_build, demo_build_national, live_programme_day
from mitra.demo.context import DEMO_PASSWORD, DemoContext


class Command(BaseCommand):
    help = "Build the synthetic demo programme of KPU Kota Bandung (deterministic, idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=["city", "national"],
            default="city",
            help="city: Bandung's programme; national: a large set for benchmarks",
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="delete the demo and build again (moves the live programme to today)",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="build as if today were this day (YYYY-MM-DD); the live programme's voting "
            "day is six weeks later",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ctx = DemoContext(stdout=self.stdout)
        if options["today"] is not None:
            ctx = DemoContext(stdout=self.stdout, today=options["today"])
        if options["scale"] == "national":
            demo_build_national(ctx)
            self.stdout.write(self.style.SUCCESS("National-scale data set ready."))
            return
        if demo_build(ctx, rebuild=options["rebuild"]):
            self.stdout.write(self.style.SUCCESS("Demo programme built (synthetic data)."))
        else:
            self.stdout.write("Demo programme already present; reusing it.")
            built_for = live_programme_day()
            if built_for != ctx.live_voting_day:
                since = f"votes on {built_for.isoformat()}" if built_for else "is missing"
                self.stdout.write(
                    f"Its live programme {since}; run `manage.py demo --rebuild` to lay it "
                    "out around today (voting day in six weeks)."
                )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        from mitra.accounts.demo import demo_logins

        for role, email in demo_logins():
            self.stdout.write(f"  {role:<22} {email}")
