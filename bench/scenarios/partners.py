"""Partners: the staff partner registry at national scale (≈40,000 partners, 500 offices).

A staff member of the national office with the most partners requests the registry's list
page (50 rows with category, segments, areas and agreements prefetched, counts by category
and agreement status beside the filters); the second row adds an agreement-status filter
and asks for page 2. The verify step measures the queries per request in-process for
pages 1 and 2 and a filtered page.
"""

from __future__ import annotations

from bench.harness import BenchEnv, Scenario, WrkResult, busiest_office_session, queries_line

EMAIL = "bench-partners@example.org"


def _setup(env: BenchEnv) -> None:
    if "partners" not in env.state:
        from mitra.partners.models import Partner

        env.state["partners"] = busiest_office_session(Partner, EMAIL)


def _verify(env: BenchEnv, result: WrkResult) -> str:
    state = env.state["partners"]
    paths = ["/mitra/", "/mitra/?halaman=2", "/mitra/?agreement_status=active&halaman=1"]
    return f"{state['total']} partners, {state['office']} in the office; " + queries_line(
        paths, EMAIL
    )


def _headers(env: BenchEnv) -> dict[str, str]:
    return env.state["partners"]["headers"]


SCENARIOS = [
    Scenario(
        name="staff partner list (national)",
        path="/mitra/",
        scale="national",
        setup=_setup,
        headers=_headers,
        verify=_verify,
        target="40,000 partners; constant queries per request",
    ),
    Scenario(
        name="partner list, agreement filter, page 2 (national)",
        path="/mitra/?agreement_status=active&halaman=2",
        scale="national",
        setup=_setup,
        headers=_headers,
        target="40,000 partners",
    ),
]
