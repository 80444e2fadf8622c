#!/usr/bin/env python
"""`make bench`: load-test the production server (gunicorn, DEBUG off) with wrk.

It prepares a database (PostgreSQL when it answers on 127.0.0.1:5432, else SQLite), builds
the demo, starts gunicorn on loopback, runs every scenario in bench/scenarios/ for a
bounded time, and prints a table of requests/s, p50/p99 and the ratio to /healthz measured
in the same run. Options: --national (also build and run national-scale rows),
--seconds N (per row, default 10), --only NAME[,NAME…] (substring filters).
With BENCH_PRETIX=1 it also times pretix beside some rows (bench/pretix_side.py).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import pkgutil
import platform
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pretix_side  # noqa: E402
from bench.harness import (  # noqa: E402
    BenchEnv,
    Scenario,
    WrkResult,
    gunicorn_command,
    parse_wrk,
    signed_in_page_error,
    single_request_ms,
)

PORT = int(os.environ.get("BENCH_PORT", "8765"))


def _answers(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def bench_environment() -> dict[str, str]:
    env = dict(os.environ)
    if "DATABASE_URL" not in env:
        env["DATABASE_URL"] = (
            "postgres://postgres@127.0.0.1:5432/mitra_bench"
            if _answers("127.0.0.1", 5432)
            else f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
        )
    if "REDIS_URL" not in env and _answers("127.0.0.1", 6379):
        env["REDIS_URL"] = "redis://127.0.0.1:6379/13"
    env.update(
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="ERROR",
    )
    return env


def ensure_database(env: dict[str, str], national: bool) -> None:
    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    if url.startswith("postgres"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}"],
            capture_output=True,
            check=False,
        )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], env=env, check=True)
    subprocess.run([*manage, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    if national:
        started = time.monotonic()
        subprocess.run([*manage, "demo", "--scale", "national"], env=env, check=True)
        print(f"National data set ready in {time.monotonic() - started:.0f} s", flush=True)
    if url.startswith("postgres"):
        # After bulk loads: planner statistics and the visibility map, as autovacuum would
        # leave them on a settled server (a no-op when nothing changed).
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-qc", "VACUUM ANALYZE"],
            check=True,
        )


def discover() -> list[Scenario]:
    import bench.scenarios as package

    found: list[Scenario] = []
    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name != "core"):
        found.extend(importlib.import_module(f"bench.scenarios.{module.name}").SCENARIOS)
    return found


def worker_count(env: dict[str, str]) -> str:
    """gunicorn's sync workers: BENCH_WORKERS, else two per core."""
    return str(env.get("BENCH_WORKERS", (os.cpu_count() or 1) * 2))


def start_server(env: dict[str, str]) -> subprocess.Popen[bytes]:
    workers = worker_count(env)
    server = subprocess.Popen(
        gunicorn_command(
            str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", port=PORT, workers=workers
        ),
        cwd=ROOT,
        env=env,
    )
    # Every worker must have booted (on a busy machine importing the statistics
    # libraries takes long): a row timed against workers still starting measures nothing.
    deadline = time.monotonic() + 300
    answered = 0
    while time.monotonic() < deadline and answered < 4 * int(workers):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=60) as r:
                answered += r.status == 200
        except OSError:
            time.sleep(0.5)
    if answered:
        return server
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def run_wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    headers: dict[str, str],
    lua: str | None,
    timeout: int = 5,
) -> WrkResult:
    """wrk against `url`; answers slower than `timeout` seconds count as errors, not requests."""
    threads = min(2, connections)  # wrk needs at least one connection per thread
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        f"{timeout}s",
    ]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    if lua:
        command += ["-s", str(ROOT / lua)]
    command.append(url)
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    return parse_wrk(output.stdout)


def target_met(
    scenario: Scenario,
    result: WrkResult,
    baseline: WrkResult | None,
    alone_ms: float | None,
) -> str:
    """ "yes" / "NO" for the row's numeric targets (ratio to /healthz, one request alone)."""
    verdicts = []
    if scenario.min_ratio is not None and baseline:
        verdicts.append(result.rps / baseline.rps >= scenario.min_ratio)
    if scenario.max_single_ms is not None and alone_ms is not None:
        verdicts.append(alone_ms < scenario.max_single_ms)
    if not verdicts:
        return ""
    return "yes" if all(verdicts) else "NO"


def extra_lines(state: dict[str, object]) -> list[str]:
    """Lines scenarios left for the report (e.g. the optional pretix comparison)."""
    extra = state.get("report_lines")
    return ["", *extra] if isinstance(extra, list) and extra else []


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "10")))
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)")
        return 1

    env = bench_environment()
    print(f"Database: {env['DATABASE_URL']}  cache: {env.get('REDIS_URL', 'local memory')}")
    ensure_database(env, args.national)
    os.environ.update(env)
    import django

    django.setup()

    bench_env = BenchEnv(base_url=f"http://127.0.0.1:{PORT}", national=args.national)
    scenarios = [
        s
        for s in discover()
        if (args.national or s.scale == "city")
        and (any(term in s.name for term in args.only.split(",")) or s.name == "healthz")
    ]
    pretix = None
    if pretix_side.enabled(os.environ):  # optional: pretix side by side (issue 19)
        pretix = pretix_side.from_environment(
            port=PORT, workers=worker_count(env), seconds=args.seconds, run_wrk=run_wrk
        )
        pretix.prepare()
    server = start_server(env)
    rows: list[tuple[Scenario, WrkResult, str]] = []
    scenario_single: dict[str, float] = {}
    failures = 0
    try:
        if pretix:
            pretix.start()
        for scenario in scenarios:
            if pretix:
                pretix.before(scenario)
            if scenario.setup:
                scenario.setup(bench_env)
            path = scenario.path(bench_env) if callable(scenario.path) else scenario.path
            headers = (
                scenario.headers(bench_env)
                if callable(scenario.headers)
                else (scenario.headers or {})
            )
            run_wrk(
                bench_env.base_url + path,
                seconds=2,
                connections=4,
                headers=headers,
                lua=scenario.lua,
            )  # warm-up
            if scenario.setup:  # a verified row starts from a clean slate after the warm-up
                scenario.setup(bench_env)
            refused = (
                signed_in_page_error(bench_env, path, headers)
                if "sessionid=" in headers.get("Cookie", "") and not scenario.lua
                else ""
            )
            result = run_wrk(
                bench_env.base_url + path,
                seconds=args.seconds,
                connections=scenario.connections,
                headers=headers,
                lua=scenario.lua,
            )
            note = ""
            if scenario.max_single_ms is not None:
                alone = single_request_ms(bench_env, path, headers)
                scenario_single[scenario.name] = alone
                note = f"one request alone {alone:.1f} ms; "
            if refused:
                note += f"FAILED: {refused}"
                failures += 1
            elif result.non_2xx and not scenario.allow_non_2xx:
                note += f"FAILED: {result.non_2xx} responses not 2xx/3xx"
                failures += 1
            elif scenario.verify:
                time.sleep(1)
                try:
                    note += scenario.verify(bench_env, result)
                except AssertionError as exc:
                    note += f"FAILED: {exc}"
                    failures += 1
            rows.append((scenario, result, note))
            print(
                f"  {scenario.name}: {result.rps:.0f} req/s, p99 {result.p99_ms:.1f} ms {note}",
                flush=True,
            )
            if pretix:
                pretix.after(scenario, result)
        if pretix:
            pretix.weigh(bench_env)
    finally:
        if pretix:
            pretix.stop()
        server.terminate()
        server.wait(timeout=30)
    if pretix:
        bench_env.state.setdefault("report_lines", []).extend(pretix.report_lines())

    baseline = next((r for s, r, _ in rows if s.name == "healthz"), None)
    lines = [
        f"Run {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}), "
        f"gunicorn {worker_count(env)} sync workers, "
        f"wrk 2 threads, {args.seconds} s per row; database {env['DATABASE_URL'].split(':')[0]}, "
        f"cache {'redis' if env.get('REDIS_URL') else 'local memory'}.",
        "",
        "| scenario | conns | req/s | p50 ms | p99 ms | vs /healthz | non-2xx | target | met? "
        "| check |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for scenario, result, note in rows:
        ratio = (
            f"{result.rps / baseline.rps:.0%}" if baseline and scenario.name != "healthz" else "—"
        )
        met = target_met(scenario, result, baseline, scenario_single.get(scenario.name))
        lines.append(
            f"| {scenario.name} | {scenario.connections} | {result.rps:.0f} | "
            f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {ratio} | {result.non_2xx} | "
            f"{scenario.target} | {met} | {note} |"
        )
    lines += extra_lines(bench_env.state)
    report = "\n".join(lines)
    print()
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.md").write_text(report + "\n")
    print(f"\n(saved to {results / 'latest.md'}; copy into docs/performance.md when it matters)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
