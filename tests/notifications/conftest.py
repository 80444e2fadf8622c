from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.notifications.servers import FakeWhatsApp, SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def whatsapp(settings) -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp() as fake:
        settings.WHATSAPP_TOKEN = "test-token"
        settings.WHATSAPP_PHONE_NUMBER_ID = "1234567890"
        settings.WHATSAPP_API_URL = fake.url
        settings.WHATSAPP_TIMEOUT_SECONDS = 5
        yield fake


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield server


@pytest.fixture
def redis_broker() -> Iterator[str]:
    """A Redis of the test's own on a spare port, stopped by its PID afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


def _database_url() -> str:
    from django.db import connection

    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    return f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


def _fresh_connections(app) -> None:
    """Forget the producer pools, so the next send connects to the broker now configured."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker(
    transactional_db, redis_broker, smtp, whatsapp, settings, tmp_path
) -> Iterator[dict]:
    """A real `celery worker` process on the test's database and broker (2 processes),
    with the SMTP server and fake WhatsApp API of the test; stopped by its PID."""
    from config.celery import app

    log_path = tmp_path / "worker.log"
    log = log_path.open("w")

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL=redis_broker,
        CELERY_TASK_ALWAYS_EAGER="false",
        REDIS_URL="",
        MITRA_TEST_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        WHATSAPP_TOKEN="test-token",
        WHATSAPP_PHONE_NUMBER_ID="1234567890",
        WHATSAPP_API_URL=whatsapp.url,
        NOTIFICATIONS_RETRY_BASE_SECONDS="0.3",
        NOTIFICATIONS_MAX_ATTEMPTS="4",
    )
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0.3
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 4
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency=2",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_broker
    _fresh_connections(app)
    # Wait until the worker answers a ping (starting Django takes a while on a busy machine).
    deadline = time.monotonic() + 240
    while not app.control.ping(timeout=1.0):
        if worker.poll() is not None or time.monotonic() > deadline:
            log.flush()
            raise RuntimeError("the worker did not start:\n" + log_path.read_text()[-3000:])
    try:
        yield {"process": worker, "broker": redis_broker, "smtp": smtp, "whatsapp": whatsapp}
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
        app.conf.task_always_eager, app.conf.broker_url = previous
        _fresh_connections(app)
