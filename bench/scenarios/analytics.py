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

from bench.harness import (
    BenchEnv,
    Scenario,
    WrkResult,
    after_write_ms,
    member_session,
    state_headers,
)

BENCH_EMAIL = "bench-analytics@example.org"


def _setup(office_filter: dict[str, Any], key: str, *, superuser: bool = False) -> Any:
    def setup(env: BenchEnv) -> None:
        if key in env.state:
            return
        from mitra.offices.models import Office

        office = Office.objects.filter(**office_filter).order_by("pk").first()
        assert office is not None, f"no office for {office_filter}"
        email = f"{key}-{office.slug}-{BENCH_EMAIL}"
        headers = member_session(email, office, superuser=superuser)
        env.state[key] = {"headers": headers, "office": office}

    return setup


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


# Every figure group the dashboard shows by default, as one plain query each (no filters,
# no rendering): verified totals and online reach; reach per kecamatan, segment, theme,
# method and partner; activities per status; the weekly trend; measured check-ins; active
# partners; the voters per kelurahan. The page computes the same figures (and checks
# rights, applies the filters and renders them), so page/bare is the page's overhead.
# The office's verified activities with their report figures, read once per query
# (MATERIALIZED: left to itself, PostgreSQL may walk all 1 million activities by primary key
# to meet a handful of online posts or kelurahan).
_V = """WITH v AS MATERIALIZED (
         SELECT a.id, a.kelurahan_id, a.method_id, a.partner_id, a.starts_at, r.attendance_total
         FROM activities_activity a JOIN activities_report r ON r.activity_id = a.id
         WHERE a.office_id = %s AND a.status = 'verified') """
OFFICE_SQL = [
    _V + "SELECT COUNT(*), COALESCE(SUM(attendance_total), 0) FROM v",
    _V + "SELECT COALESCE(SUM(p.reach), 0) "
    "FROM activities_onlinepost p JOIN v ON v.id = p.activity_id",
    # A kelurahan code starts with its kecamatan's (32.73.01.1001 → 32.73.01).
    _V + "SELECT left(kelurahan_id, 8), COUNT(*), COALESCE(SUM(attendance_total), 0) "
    "FROM v GROUP BY 1",
    _V + "SELECT s.segment_id, COUNT(*), COALESCE(SUM(v.attendance_total), 0) FROM v "
    "JOIN activities_activity_segments s ON s.activity_id = v.id GROUP BY s.segment_id",
    _V + "SELECT t.theme_id, COUNT(*), COALESCE(SUM(v.attendance_total), 0) FROM v "
    "JOIN activities_activity_themes t ON t.activity_id = v.id GROUP BY t.theme_id",
    _V + "SELECT method_id, COUNT(*), COALESCE(SUM(attendance_total), 0) FROM v GROUP BY 1",
    _V + "SELECT partner_id, COUNT(*), COALESCE(SUM(attendance_total), 0) FROM v GROUP BY 1",
    _V + "SELECT date_trunc('week', starts_at), COUNT(*), COALESCE(SUM(attendance_total), 0) "
    "FROM v GROUP BY 1 ORDER BY 1",
    "SELECT a.status, COUNT(*) FROM activities_activity a WHERE a.office_id = %s GROUP BY a.status",
    """WITH o AS MATERIALIZED (SELECT a.id FROM activities_activity a WHERE a.office_id = %s)
       SELECT COUNT(*) FROM checkin_checkin c JOIN o ON o.id = c.activity_id""",
    "SELECT COUNT(*) FROM partners_partner p WHERE p.office_id = %s AND p.status = 'active'",
    "SELECT v.region_id, v.voters_total FROM analytics_votercount v WHERE v.office_id = %s",
]
NATIONAL_SQL = """SELECT a.office_id, COUNT(*), COALESCE(SUM(r.attendance_total), 0)
    FROM activities_activity a LEFT JOIN activities_report r ON r.activity_id = a.id
    WHERE a.status = 'verified' GROUP BY a.office_id"""


def _verify_office(key: str) -> Any:
    def verify(env: BenchEnv, result: WrkResult) -> str:
        office = env.state[key]["office"]
        bare = sum(_bare_sql_ms(sql, [office.pk]) for sql in OFFICE_SQL)
        headers = env.state[key]["headers"]
        fresh = after_write_ms(env, "/analitik/", headers, office.pk)
        return (
            f"bare SQL {bare:.1f} ms; page p50/bare {result.p50_ms / bare:.1f}×; "
            f"after a write {fresh:.1f} ms ({fresh / bare:.1f}×)"
        )

    return verify


def _verify_national(env: BenchEnv, result: WrkResult) -> str:
    bare = _bare_sql_ms(NATIONAL_SQL, [])
    return f"bare SQL {bare:.1f} ms; page p50/bare {result.p50_ms / bare:.1f}×"


SCENARIOS = [
    Scenario(
        name="analytics dashboard (city)",
        path="/analitik/",
        setup=_setup({"slug": "kpu-kota-bandung"}, "city"),
        headers=state_headers("city"),
        verify=_verify_office("city"),
        connections=1,
        target="< 150 ms server time",
    ),
    Scenario(
        name="analytics dashboard (city, from its cache)",
        path="/analitik/",
        setup=_setup({"slug": "kpu-kota-bandung"}, "city"),
        headers=state_headers("city"),
        target="≥ 40 % of /healthz",
        min_ratio=0.40,
    ),
    Scenario(
        name="analytics public summary",
        path="/analitik/ringkasan/",
        target="≥ 60 % of /healthz (cached per office and language)",
        min_ratio=0.60,
    ),
    Scenario(
        name="analytics dashboard (one national office)",
        path="/analitik/",
        scale="national",
        setup=_setup({"slug__startswith": "nasional-"}, "national-office"),
        headers=state_headers("national-office"),
        verify=_verify_office("national-office"),
        connections=1,
        target="< 300 ms, within 2× bare SQL",
    ),
    Scenario(
        name="analytics national roll-up",
        path="/analitik/nasional/",
        scale="national",
        setup=_setup({"slug": "kpu-kota-bandung"}, "national-rollup", superuser=True),
        headers=state_headers("national-rollup"),
        verify=_verify_national,
        connections=1,
        target="< 2 s, within 2× bare SQL",
    ),
]
