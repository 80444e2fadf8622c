#!/usr/bin/env python
"""Where one page's server time goes: cProfile over repeated in-process requests.

    python bench/profile_page.py /kegiatan/ --email bench-staff@example.org --repeat 200
    python bench/profile_page.py /kegiatan/ --email bench-staff@example.org --timing --fresh

Runs against the bench database (the same environment as `bench/run.py`: production
settings, DEBUG off, PostgreSQL and Redis when they answer), through Django's test client
with a logged-in session when `--email` is given (a staff member `make bench` made), after
two warm-up requests. Prints the mean time per request and the functions with the most
time of their own, and the share of time spent waiting on the database driver and in
template rendering; `--sort cumulative` for the call tree's heavy branches.

`--timing` measures instead of profiling: the median and 90th percentile of one request's
time (no profiler, which roughly doubles it) and its database queries; `--fresh` makes each
request follow a write to the signed-in person's office (the page computed afresh instead
of served from the figure cache), as the first request after any change is.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import bench_environment  # noqa: E402


def _share(stats: pstats.Stats, needle: str, total: float) -> float:
    """Cumulative time of the outermost functions whose file matches `needle`."""
    seen = 0.0
    for (filename, _line, _name), (_cc, _nc, _tt, ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
        if needle in filename and not any(needle in c[0] for c in callers):
            seen += ct
    return seen / total if total else 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--email", default="")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--limit", type=int, default=25)
    parser.add_argument("--timing", action="store_true", help="median time, no profiler")
    parser.add_argument("--fresh", action="store_true", help="after a write to the office")
    args = parser.parse_args()

    os.environ.update(bench_environment())
    import django

    django.setup()
    from django.test import Client

    from bench.harness import BENCH_HOST
    from mitra.accounts.models import User

    client = Client()
    if args.email:
        client.force_login(User.objects.get(email=args.email))
    for _ in range(2):
        response = client.get(args.path, HTTP_HOST=BENCH_HOST)
        assert response.status_code == 200, f"{args.path}: HTTP {response.status_code}"
    if args.timing:
        return _timing(client, args.path, args.repeat, args.email if args.fresh else "")

    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.repeat):
        client.get(args.path, HTTP_HOST=BENCH_HOST)
    profile.disable()
    elapsed = time.perf_counter() - started

    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"{args.path}: {elapsed / args.repeat * 1000:.1f} ms per request (profiled)")
    print(
        f"database driver {_share(stats, 'psycopg', total):.0%}, "
        f"templates {_share(stats, 'django/template', total):.0%} of the profiled time"
    )
    stats.sort_stats(args.sort).print_stats(args.limit)
    print(out.getvalue())
    return 0


def _timing(client: object, path: str, repeat: int, fresh_email: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.harness import BENCH_HOST
    from mitra.accounts.models import Membership
    from mitra.analytics import figure_cache

    office_id = None
    if fresh_email:
        office_id = Membership.objects.filter(user__email=fresh_email).values_list(
            "office_id", flat=True
        )[0]
    times = []
    for _ in range(repeat):
        if office_id is not None:
            figure_cache.figures_changed(office_id)  # what any write to its records does
        started = time.perf_counter()
        client.get(path, HTTP_HOST=BENCH_HOST)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
    if office_id is not None:
        figure_cache.figures_changed(office_id)
    with CaptureQueriesContext(connection) as captured:  # counted apart: it slows each query
        client.get(path, HTTP_HOST=BENCH_HOST)  # type: ignore[attr-defined]
    times.sort()
    print(
        f"{path}{' after a write' if fresh_email else ''}: "
        f"median {statistics.median(times):.2f} ms, p90 {times[int(len(times) * 0.9)]:.2f} ms "
        f"over {repeat} requests; {len(captured)} queries; load {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
