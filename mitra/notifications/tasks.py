"""Celery tasks: thin wrappers around the services, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="notifications.deliver")
def deliver(delivery_id: int) -> str:
    return services.delivery_send(delivery_id=delivery_id)


@shared_task(name="notifications.sweep")
def sweep() -> int:
    return services.deliveries_sweep()


@shared_task(name="notifications.timeline")
def timeline() -> dict[str, int]:
    from .timeline import timeline_run

    return timeline_run()


@shared_task(name="notifications.digests")
def digests() -> int:
    from .digests import digests_run

    return digests_run()
