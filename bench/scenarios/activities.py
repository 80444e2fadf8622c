"""Activities: the staff activity list at national scale (1 million activities).

A staff member of the national office with the most activities requests the list page
(50 rows, themes and segments prefetched); the verify step reports the number of queries
per request measured in-process for the first, second and a deep page, which must be the
same (no N+1, no work growing with the page number).
"""

from __future__ import annotations

from bench.harness import BenchEnv, Scenario, WrkResult, busiest_office_session, queries_line

EMAIL = "bench-staff@example.org"


def _setup(env: BenchEnv) -> None:
    if "activities" not in env.state:
        from mitra.activities.models import Activity

        env.state["activities"] = busiest_office_session(Activity, EMAIL)


def _verify(env: BenchEnv, result: WrkResult) -> str:
    state = env.state["activities"]
    paths = ["/kegiatan/", "/kegiatan/?page=2", "/kegiatan/?page=40"]
    return f"{state['total']} activities, {state['office']} in the office; " + queries_line(
        paths, EMAIL
    )


SCENARIOS = [
    Scenario(
        name="staff activity list (national)",
        path="/kegiatan/",
        scale="national",
        setup=_setup,
        headers=lambda env: env.state["activities"]["headers"],
        verify=_verify,
        target="1M activities; constant queries per request",
    ),
]
