"""The Celery application: background sends, timeline reminders and scheduled commands.

Configured from Django's settings (the `CELERY_` names). With no broker configured
(`CELERY_BROKER_URL`, else `REDIS_URL`) every task runs in-process when it is queued, so
the embedded SQLite set-up of `make run` works on one machine without a worker.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("mitra")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
