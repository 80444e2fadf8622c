"""Activities: the staff activity list at national scale (1 million activities).

A staff member of the national office with the most activities requests the list page
(50 rows, themes and segments prefetched); the verify step reports the number of queries
per request measured in-process for the first, second and last page, which must be the
same (no N+1, no work growing with the page number).
"""

from __future__ import annotations

from bench.harness import StaffListRows

ROWS = StaffListRows(
    key="activities",
    model="activities.Activity",
    noun="activities",
    email="bench-staff@example.org",
    paths=["/kegiatan/", "/kegiatan/?page=2", "/kegiatan/?page=40"],
)

SCENARIOS = [
    ROWS.scenario(
        "staff activity list (national)",
        "/kegiatan/",
        "≥ 25 % of /healthz; one request < 30 ms; 1M activities, constant queries",
        min_ratio=0.25,
        max_single_ms=30,
    ),
]
