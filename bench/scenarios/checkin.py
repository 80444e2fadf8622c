"""Ticket scans per second through the API, with retries of the same nonce mixed in.

Setup creates (in the bench database) an activity open for check-in now, 3,000 confirmed
tickets and a scanner account with an API token; bench/checkin_scan.lua posts scans with
fresh nonces, about one in eight a retry of an earlier nonce, 2 % unknown tickets. After the
run, `verify` checks that the check-ins recorded equal the distinct nonces the clients saw
accepted (nothing lost, nothing doubled) and that no ticket was admitted twice.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from bench.harness import BenchEnv, Scenario, WrkResult, bench_member

ROOT = Path(__file__).resolve().parent.parent.parent
CONFIG = ROOT / "var" / "bench-checkin.txt"
RESULT = ROOT / "var" / "bench-checkin-accepted.txt"
TICKETS = 3000
os.environ.setdefault("CHECKIN_BENCH_CONFIG", str(CONFIG))
os.environ.setdefault("CHECKIN_BENCH_RESULT", str(RESULT))


def setup(env: BenchEnv) -> None:
    from django.db import transaction
    from django.utils import timezone

    from mitra.accounts.services import api_token_create
    from mitra.activities.models import Activity, Method
    from mitra.activities.services import methods_seed
    from mitra.checkin.models import CheckIn, CheckinPoint, RefusedScan, Registration
    from mitra.demo.context import DEMO_OFFICE_SLUG
    from mitra.elections.models import Programme
    from mitra.offices.models import Office

    office = Office.objects.get(slug=DEMO_OFFICE_SLUG)
    now = timezone.now()
    with transaction.atomic():
        activity = Activity.objects.filter(office=office, title="Bench: pindai tiket").first()
        if activity is None:
            method = Method.objects.filter(office=office).first() or methods_seed(office=office)[0]
            activity = Activity.objects.create(
                office=office,
                programme=Programme.objects.filter(office=office).earliest("pk"),
                method=method,
                title="Bench: pindai tiket",
                starts_at=now,
                ends_at=now + datetime.timedelta(hours=3),
                status="approved",
                is_public=False,
            )
        else:
            Activity.objects.filter(pk=activity.pk).update(
                starts_at=now, ends_at=now + datetime.timedelta(hours=3)
            )
        CheckinPoint.objects.get_or_create(
            activity=activity, defaults={"office": office, "requires_registration": True}
        )
        CheckIn.objects.filter(activity=activity).delete()
        RefusedScan.objects.filter(activity=activity).delete()
        if Registration.objects.filter(activity=activity).count() < TICKETS:
            Registration.objects.filter(activity=activity).delete()
            Registration.objects.bulk_create(
                [Registration(office=office, activity=activity) for _ in range(TICKETS)],
                batch_size=1000,
            )
        secrets = list(
            Registration.objects.filter(activity=activity).values_list("secret", flat=True)
        )
        if "token" not in env.state:
            user = bench_member("bench-scanner@example.org", office)
            env.state["token"] = api_token_create(user=user, name="bench")
    CONFIG.write_text("\n".join([str(activity.pk), *secrets]) + "\n")
    RESULT.unlink(missing_ok=True)
    env.state["activity_id"] = activity.pk


def verify(env: BenchEnv, result: WrkResult) -> str:
    """Nothing lost, nothing doubled.

    - every nonce a client saw accepted is recorded (an acknowledged scan is never lost);
    - check-ins = distinct accepted nonces on the server, and no ticket admitted twice;
    - the server may hold a few check-ins whose answer wrk dropped when the run stopped
      (at most one in flight per connection); those are reported, and must be ≤ connections.
    """
    from django.db.models import Count

    from mitra.checkin.models import CheckIn, RefusedScan

    activity_id = env.state["activity_id"]
    client_accepted = set(RESULT.read_text().split()) if RESULT.exists() else set()
    rows = CheckIn.objects.filter(activity_id=activity_id)
    recorded = set(rows.values_list("nonce", flat=True))
    refused = RefusedScan.objects.filter(activity_id=activity_id).count()
    doubled = (
        rows.filter(registration__isnull=False)
        .values("registration")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    lost = client_accepted - recorded
    unacknowledged = recorded - client_accepted
    assert client_accepted, "no accepted scans seen by the clients"
    assert not lost, f"{len(lost)} acknowledged scans missing"
    assert rows.count() == len(recorded), "a nonce was recorded twice"
    assert doubled == 0, f"{doubled} tickets admitted twice"
    assert len(unacknowledged) <= 32, f"{len(unacknowledged)} check-ins nobody saw accepted"
    return (
        f"{len(client_accepted)} accepted nonces all recorded, 0 doubled, {refused} refused; "
        f"{len(unacknowledged)} in flight at cutoff"
    )


SCENARIOS = [
    Scenario(
        name="ticket scans (API, PostgreSQL, nonce retries)",
        path="/api/v1/checkin/scans",
        setup=setup,
        headers=lambda env: {
            "Authorization": f"Token {env.state['token']}",
            "Content-Type": "application/json",
        },
        lua="bench/checkin_scan.lua",
        verify=verify,
        connections=32,
        target="≥ 300 scans/s, p99 < 150 ms",
    )
]
