#!/usr/bin/env python
"""`make bench-deliveries`: voting-day reminders through the Celery machinery.

Starts its own Redis (spare port), the fake WhatsApp Cloud API of the tests (local HTTP)
and two `celery worker` processes, on a database of its own (PostgreSQL `mitra_bench_messages`
when it answers, else SQLite), then runs three checks:

1. throughput: N voting-day reminders (default 10,000) queued by the timeline task and sent
   by the two workers: messages/s and p50/p99 of the time one message takes in a worker
   (claim → provider answer → recorded);
2. a worker killed (SIGKILL) mid-batch and restarted: every message sent exactly once
   (the delivery log's count and the provider's count agree; duplicates counted);
3. the provider answering 500 for a while (default 60 s): nothing lost, all sent after.

Options: --messages N, --outage-seconds S, --kill-batch N.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--kill-batch", type=int, default=3_000)
    parser.add_argument("--outage-seconds", type=float, default=60.0)
    parser.add_argument(
        "--checks", default="throughput,kill,outage", help="which checks to run (comma-separated)"
    )
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or (
        "postgres://postgres@127.0.0.1:5432/mitra_bench_messages"
        if _answers(5432)
        else f"sqlite:///{ROOT / 'var' / 'bench-messages.sqlite3'}"
    )
    if database_url.startswith("postgres"):
        name = database_url.rsplit("/", 1)[1]
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}"],
            capture_output=True,
            check=False,
        )
    redis_port = _free_port()
    broker = f"redis://127.0.0.1:{redis_port}/0"
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    from tests.notifications.servers import FakeWhatsApp

    fake = FakeWhatsApp().__enter__()
    env = dict(os.environ)
    env.update(
        MITRA_ENV_FILE="",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",  # noqa: S106
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        REDIS_URL="",
        CELERY_BROKER_URL=broker,
        CELERY_TASK_ALWAYS_EAGER="false",
        WHATSAPP_TOKEN="test-token",  # noqa: S106 (the fake provider's)
        WHATSAPP_PHONE_NUMBER_ID="1234567890",
        WHATSAPP_API_URL=fake.url,
        NOTIFICATIONS_RETRY_BASE_SECONDS="5",
        NOTIFICATIONS_MAX_ATTEMPTS="10",
        NOTIFICATIONS_STALE_SECONDS="20",
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="ERROR",
    )
    os.environ.update(env)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v0"],
        env=env,
        check=True,
    )
    import django

    django.setup()
    workers: list[subprocess.Popen[bytes]] = []
    try:
        workers = [_worker(env, n) for n in (1, 2)]
        _run(args, fake, env, workers)
    finally:
        for worker in workers:
            _stop(worker)
        fake.__exit__()
        redis.send_signal(signal.SIGTERM)
        redis.wait(timeout=10)


def _worker(env: dict[str, str], n: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency=1",
            f"--hostname=bench{n}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=ERROR",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def _stop(worker: subprocess.Popen[bytes], kill: bool = False) -> None:
    """SIGTERM to the worker (a warm shutdown), or SIGKILL to it and its pool at once."""
    if worker.poll() is not None:
        return
    if kill:
        os.killpg(worker.pid, signal.SIGKILL)
    else:
        worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def _batch(n: int, prefix: str):  # type: ignore[no-untyped-def]
    """An office whose programme votes today, with n WhatsApp sign-ups and no quiet hours."""
    import datetime

    from django.utils import timezone

    from mitra.elections.models import Programme
    from mitra.notifications.models import OfficeMessaging, VotingDaySignup
    from mitra.offices.models import Office
    from mitra.regions.models import Region

    region = Region.objects.order_by("code").first()
    if region is None:
        region = Region.objects.create(code="32.73", name="Kota Bandung", level=2)
    office, _ = Office.objects.get_or_create(
        slug=f"bench-{prefix}", defaults={"name": f"Bench {prefix}", "region": region}
    )
    OfficeMessaging.objects.update_or_create(
        office=office, defaults={"quiet_start": datetime.time(0), "quiet_end": datetime.time(0)}
    )
    programme, _ = Programme.objects.get_or_create(
        office=office,
        slug=f"bench-{prefix}",
        defaults={"name": "Bench", "voting_day": timezone.localdate()},
    )
    programme.voting_day = timezone.localdate()
    programme.save(update_fields=["voting_day"])
    VotingDaySignup.objects.filter(programme=programme).delete()
    VotingDaySignup.objects.bulk_create(
        VotingDaySignup(
            office=office,
            programme=programme,
            channel="whatsapp",
            address=f"+62857{prefix}{i:07d}",
            language="id",
        )
        for i in range(n)
    )
    return office, programme


def _queue(office, programme) -> float:  # type: ignore[no-untyped-def]
    from mitra.notifications import services
    from mitra.notifications.models import Delivery
    from mitra.notifications.timeline import voting_day_items

    Delivery.objects.filter(office=office).delete()
    started = time.monotonic()
    services.messages_queue_bulk(
        office=office, kind="voting_day", items=voting_day_items(programme, office)
    )
    return time.monotonic() - started


def _wait(office, expected: int, timeout: float, sweep: bool = False) -> float:  # type: ignore[no-untyped-def]
    from mitra.notifications import services
    from mitra.notifications.models import Delivery, Status

    started = time.monotonic()
    last_sweep = started
    while time.monotonic() - started < timeout:
        done = Delivery.objects.filter(
            office=office, status__in=[Status.SENT, Status.FAILED]
        ).count()
        if done >= expected:
            return time.monotonic() - started
        if sweep and time.monotonic() - last_sweep > 60:  # as beat does
            services.deliveries_sweep(grace_seconds=30)
            last_sweep = time.monotonic()
        time.sleep(0.5)
    raise SystemExit(f"timed out: {done} of {expected} final")


def _counts(office, fake, prefix: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from django.db.models import Count

    from mitra.notifications.models import Delivery

    statuses = dict(
        Delivery.objects.filter(office=office).values_list("status").annotate(n=Count("pk"))
    )
    mine = {to: n for to, n in fake.accepted.items() if to.startswith(f"62857{prefix}")}
    return {
        "log_sent": statuses.get("sent", 0),
        "log_failed": statuses.get("failed", 0),
        "provider_accepted": sum(mine.values()),
        "provider_duplicates": sum(n - 1 for n in mine.values() if n > 1),
    }


def _run(args, fake, env, workers) -> None:  # type: ignore[no-untyped-def]

    print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)
    checks = set(args.checks.split(","))
    if "throughput" in checks:
        _throughput(args, fake)
    if "kill" in checks:
        _kill(args, fake, env, workers)
    if "outage" in checks:
        _outage(args, fake)


def _drained(broker: str) -> None:
    """Wait until the broker holds no message (earlier checks' sweeps leave duplicates)."""
    import redis

    client = redis.Redis.from_url(broker)
    while client.llen("celery"):
        time.sleep(0.5)


def _throughput(args, fake) -> None:  # type: ignore[no-untyped-def]
    from mitra.notifications.models import Delivery

    office, programme = _batch(args.messages, "1")
    queued = _queue(office, programme)
    elapsed = _wait(office, args.messages, timeout=1800)
    rows = list(
        Delivery.objects.filter(office=office, status="sent").values_list("claimed_at", "sent_at")
    )
    per = sorted((sent - claimed).total_seconds() * 1000 for claimed, sent in rows)
    first = min(c for c, _s in rows)
    last = max(s for _c, s in rows)
    span = (last - first).total_seconds()
    p99 = per[int(len(per) * 0.99) - 1]
    print(
        f"[throughput] {len(rows)} sent by 2 workers in {span:.1f} s "
        f"({len(rows) / span:.0f} messages/s); queued in {queued:.1f} s; "
        f"per message p50 {statistics.median(per):.1f} ms, p99 {p99:.1f} ms; "
        f"wait to all final {elapsed:.1f} s; {_counts(office, fake, '1')}",
        flush=True,
    )


def _kill(args, fake, env, workers) -> None:  # type: ignore[no-untyped-def]
    from mitra.notifications.models import Delivery

    _drained(env["CELERY_BROKER_URL"])
    office, programme = _batch(args.kill_batch, "2")
    _queue(office, programme)
    while Delivery.objects.filter(office=office, status="sent").count() < args.kill_batch // 4:
        time.sleep(0.2)
    _stop(workers[0], kill=True)
    killed_at = Delivery.objects.filter(office=office, status="sent").count()
    time.sleep(2)
    workers[0] = _worker(env, 1)
    elapsed = _wait(office, args.kill_batch, timeout=900, sweep=True)
    counts = _counts(office, fake, "2")
    print(
        f"[worker killed] SIGKILL after {killed_at} of {args.kill_batch} sent, restarted; "
        f"all final {elapsed:.1f} s later; {counts}; "
        f"exactly once: {counts['log_sent'] == counts['provider_accepted'] == args.kill_batch}",
        flush=True,
    )


def _outage(args, fake) -> None:  # type: ignore[no-untyped-def]
    _drained(os.environ["CELERY_BROKER_URL"])
    office, programme = _batch(1_000, "3")
    fake.down = True
    _queue(office, programme)
    time.sleep(args.outage_seconds)
    fake.down = False
    elapsed = _wait(office, 1_000, timeout=900, sweep=True)
    counts = _counts(office, fake, "3")
    tries = sum(n for to, n in fake.tries.items() if to.startswith("628573"))
    print(
        f"[provider 500 for {args.outage_seconds:.0f} s] {tries} calls, "
        f"{fake.refused_while_down} answered 500; all final "
        f"{elapsed:.1f} s after it recovered; {counts}; nothing lost: "
        f"{counts['log_sent'] == counts['provider_accepted'] == 1_000}",
        flush=True,
    )


if __name__ == "__main__":
    main()
