"""Scheduled runs of the idempotent management commands (celery beat, `CELERY_BEAT_SCHEDULE`)."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command

# Only these may be started through the broker.
SCHEDULED_COMMANDS = frozenset({"purge_personal_data"})


@shared_task(name="core.command")
def command_run(name: str) -> None:
    if name not in SCHEDULED_COMMANDS:
        raise ValueError(f"not a scheduled command: {name}")
    call_command(name, verbosity=0)
