"""Turnout evaluation: the page of a city and of one national office, and the results
import of all 3,590 TPS of the demo city timed in-process (preview + save).

The page rows use one connection, so wrk's latency is the server time of one request; the
first request of a worker also imports statsmodels, which the warm-up absorbs.
"""

from __future__ import annotations

import csv
import io
import time
from typing import Any

from bench.harness import BenchEnv, Scenario, WrkResult, member_session, state_headers

BENCH_EMAIL = "bench-evaluation@example.org"


def _setup(office_filter: dict[str, Any], key: str) -> Any:
    def setup(env: BenchEnv) -> None:
        if key in env.state:
            return
        from mitra.offices.models import Office

        office = Office.objects.filter(**office_filter).order_by("pk").first()
        assert office is not None, f"no office for {office_filter}"
        headers = member_session(f"{key}-{office.slug}-{BENCH_EMAIL}", office)
        env.state[key] = {"headers": headers, "office": office}

    return setup


def _verify_import(env: BenchEnv, result: WrkResult) -> str:
    """Re-import the demo's 2024 results (the same figures) through the services."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mitra.accounts.models import Membership
    from mitra.analytics import services
    from mitra.analytics.models import ElectionResult, StationResult
    from mitra.analytics.results import RESULT_COLUMNS

    office = env.state["import"]["office"]
    result_row = ElectionResult.objects.get(office=office, election__isnull=False)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(RESULT_COLUMNS)
    rows = StationResult.objects.filter(result=result_row).order_by("region_id", "pk")
    for r in rows.values_list("region_id", "tps", "dpt", "dptb", "dpk", "voted"):
        writer.writerow([r[0], "", "", r[1], r[2], r[3] or "", r[4] or "", r[5], "", ""])
    upload = SimpleUploadedFile("hasil.csv", text.getvalue().encode(), content_type="text/csv")
    member = Membership.objects.get(user__email=f"import-{office.slug}-{BENCH_EMAIL}")
    started = time.perf_counter()
    batch = services.figures_import_preview(
        membership=member, kind="results", upload=upload, election=result_row.election
    )
    checked = time.perf_counter()
    assert not batch.errors, batch.errors[:3]
    written = services.figures_import_confirm(membership=member, batch_id=batch.pk)
    done = time.perf_counter()
    assert written == rows.count()
    return (
        f"import of {written} TPS: check {checked - started:.2f} s + save {done - checked:.2f} s"
        f" = {done - started:.2f} s"
    )


SCENARIOS = [
    Scenario(
        name="evaluation page (city)",
        path="/evaluasi/",
        setup=_setup({"slug": "kpu-kota-bandung"}, "evaluation-city"),
        headers=state_headers("evaluation-city"),
        connections=1,
        target="< 1 s",
    ),
    Scenario(
        name="results import (3,590 TPS)",
        path="/analitik/impor/results/",
        setup=_setup({"slug": "kpu-kota-bandung"}, "import"),
        headers=state_headers("import"),
        verify=_verify_import,
        connections=1,
        target="< 5 s (import, see check)",
    ),
    Scenario(
        name="evaluation page (one national office)",
        path="/evaluasi/",
        scale="national",
        setup=_setup({"slug__startswith": "nasional-"}, "evaluation-national"),
        headers=state_headers("evaluation-national"),
        connections=1,
        target="< 2 s",
    ),
]
