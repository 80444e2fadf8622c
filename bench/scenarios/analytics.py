"""Coverage analytics: the staff dashboard (city), one national office's dashboard, the
national roll-up, each beside the time of the bare aggregate SQL for the same figures.

The `verify` step times the bare SQL (median of 20 runs in the bench process, same
database) and prints it next to wrk's p50, so the page's overhead over the database is
visible: the issue asks for the page to stay within 2× of it. The dashboard rows use one
connection, so wrk's latency is the server time of one request (no queueing behind others).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench.harness import BenchEnv, Scenario, WrkResult, bench_member, session_headers

BENCH_EMAIL = "bench-analytics@example.org"


def _setup(office_filter: dict[str, Any], key: str, *, superuser: bool = False) -> Any:
    def setup(env: BenchEnv) -> None:
        if key in env.state:
            return
        from mitra.offices.models import Office

        office = Office.objects.filter(**office_filter).order_by("pk").first()
        assert office is not None, f"no office for {office_filter}"
        email = f"{key}-{office.slug}-{BENCH_EMAIL}"
        bench_member(email, office, superuser=superuser)
        env.state[key] = {"headers": session_headers(email), "office": office}

    return setup


def _headers(key: str) -> Any:
    return lambda env: env.state[key]["headers"]


def _bare_sql_ms(sql: str, params: list[Any]) -> float:
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(20):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# The dashboard's heaviest figures as one plain query each: verified totals, reach per
# kecamatan and per segment of the office's current programme.
OFFICE_SQL = [
    """SELECT COUNT(*), COALESCE(SUM(r.attendance_total), 0)
       FROM activities_activity a JOIN activities_report r ON r.activity_id = a.id
       WHERE a.office_id = %s AND a.status = 'verified'""",
    """SELECT k.parent_id, COUNT(*), COALESCE(SUM(r.attendance_total), 0)
       FROM activities_activity a JOIN activities_report r ON r.activity_id = a.id
       JOIN regions_region k ON k.code = a.kelurahan_id
       WHERE a.office_id = %s AND a.status = 'verified' GROUP BY k.parent_id""",
    """SELECT s.segment_id, COUNT(*), COALESCE(SUM(r.attendance_total), 0)
       FROM activities_activity_segments s JOIN activities_activity a ON a.id = s.activity_id
       JOIN activities_report r ON r.activity_id = a.id
       WHERE a.office_id = %s AND a.status = 'verified' GROUP BY s.segment_id""",
    """SELECT v.region_id, v.voters_total FROM analytics_votercount v
       WHERE v.office_id = %s""",
]
NATIONAL_SQL = """SELECT a.office_id, COUNT(*), COALESCE(SUM(r.attendance_total), 0)
    FROM activities_activity a LEFT JOIN activities_report r ON r.activity_id = a.id
    WHERE a.status = 'verified' GROUP BY a.office_id"""


def _verify_office(key: str) -> Any:
    def verify(env: BenchEnv, result: WrkResult) -> str:
        office = env.state[key]["office"]
        bare = sum(_bare_sql_ms(sql, [office.pk]) for sql in OFFICE_SQL)
        ratio = result.p50_ms / bare if bare else float("nan")
        return f"bare SQL {bare:.1f} ms; page p50/bare {ratio:.1f}×"

    return verify


def _verify_national(env: BenchEnv, result: WrkResult) -> str:
    bare = _bare_sql_ms(NATIONAL_SQL, [])
    return f"bare SQL {bare:.1f} ms; page p50/bare {result.p50_ms / bare:.1f}×"


SCENARIOS = [
    Scenario(
        name="analytics dashboard (city)",
        path="/analitik/",
        setup=_setup({"slug": "kpu-kota-bandung"}, "city"),
        headers=_headers("city"),
        verify=_verify_office("city"),
        connections=1,
        target="< 150 ms server time",
    ),
    Scenario(
        name="analytics public summary",
        path="/analitik/ringkasan/",
        connections=8,
        target="ratio reported",
    ),
    Scenario(
        name="analytics dashboard (one national office)",
        path="/analitik/",
        scale="national",
        setup=_setup({"slug__startswith": "nasional-"}, "national-office"),
        headers=_headers("national-office"),
        verify=_verify_office("national-office"),
        connections=1,
        target="< 300 ms, within 2× bare SQL",
    ),
    Scenario(
        name="analytics national roll-up",
        path="/analitik/nasional/",
        scale="national",
        setup=_setup({"slug": "kpu-kota-bandung"}, "national-rollup", superuser=True),
        headers=_headers("national-rollup"),
        verify=_verify_national,
        connections=1,
        target="< 2 s, within 2× bare SQL",
    ),
]
