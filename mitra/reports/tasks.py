"""Celery task: a thin wrapper around the service, safe to run twice (the job is claimed)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="reports.build")
def build_report(job_id: int) -> str:
    return services.job_run(job_id=job_id)
