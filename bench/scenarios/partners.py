"""Partners: the staff partner registry at national scale (≈40,000 partners, 500 offices).

A staff member of the office with the most partners requests the registry's list page
(50 rows with category, segments, areas and agreements prefetched, counts by category and
agreement status beside the filters); the second row adds an agreement-status filter and
asks for page 2. The verify step measures the queries per request in-process for pages 1
and 2 and a filtered page.
"""

from __future__ import annotations

from bench.harness import StaffListRows

ROWS = StaffListRows(
    key="partners",
    model="partners.Partner",
    noun="partners",
    email="bench-partners@example.org",
    paths=["/mitra/", "/mitra/?halaman=2", "/mitra/?agreement_status=active&halaman=1"],
)

SCENARIOS = [
    ROWS.scenario(
        "staff partner list (national)",
        "/mitra/",
        "≥ 25 % of /healthz; one request < 30 ms; 40,000 partners, constant queries",
        min_ratio=0.25,
        max_single_ms=30,
    ),
    ROWS.scenario(
        "partner list, agreement filter, page 2 (national)",
        "/mitra/?agreement_status=active&halaman=2",
        "40,000 partners",
        verify=False,
    ),
]
