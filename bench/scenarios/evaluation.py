"""Turnout evaluation: the page of a city and of one national office, and the results
import of all 3,590 TPS of the demo city timed in-process (preview + save).

The page rows use one connection, so wrk's latency is the server time of one request; the
first request of a worker also imports statsmodels, which the warm-up absorbs. Their check
also times the evaluation server-side, in-process: the selector (results, exposure,
model) and the whole page through Django's test client, the median of five runs each.
"""

from __future__ import annotations

import csv
import io
import statistics
import time
from collections.abc import Callable
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


def _median_seconds(run: Callable[[], object], times: int = 5) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (Python's share, which other
    work on a busy machine does not inflate) of `times` warm runs."""
    run()  # warm: imports and the first queries' plans
    wall, cpu = [], []
    for _ in range(times):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def _timed(key: str, limit: float) -> Callable[[BenchEnv, WrkResult], str]:
    """A page row's check: the evaluation timed server-side for the row's office."""

    def verify(env: BenchEnv, result: WrkResult) -> str:
        from django.test import Client

        from mitra.accounts.models import Membership, User
        from mitra.analytics.models import StationResult
        from mitra.evaluation.selectors import turnout_evaluation

        office = env.state[key]["office"]
        member = Membership.objects.select_related("office", "user").get(
            office=office, user__email=f"{key}-{office.slug}-{BENCH_EMAIL}"
        )
        found = turnout_evaluation(membership=member)
        assert found is not None and found.estimate is not None, "no evaluation to time"
        selector = _median_seconds(lambda: turnout_evaluation(membership=member))
        client = Client()
        client.force_login(User.objects.get(pk=member.user_id))

        def page() -> None:
            response = client.get("/evaluasi/", HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, response.status_code

        whole = _median_seconds(page)
        stations = StationResult.objects.filter(result=found.result).count()
        verdict = "within" if max(selector[0], whole[0]) < limit else "OVER"
        return (
            f"server-side: selector {selector[0]:.2f} s (Python CPU {selector[1]:.2f} s), page"
            f" {whole[0]:.2f} s (CPU {whole[1]:.2f} s), {verdict} {limit:g} s;"
            f" {len(found.kelurahan)} kelurahan, {stations:,} TPS, placebo"
            f" {'yes' if found.placebo else 'no'}"
        )

    return verify


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
        verify=_timed("evaluation-city", 1.0),
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
        verify=_timed("evaluation-national", 2.0),
        connections=1,
        target="< 2 s",
    ),
]
