#!/usr/bin/env python
"""`make bench-multiserver`: the article page through nginx, one app server against two.

Every row has the same total of gunicorn sync workers (BENCH_WORKERS, default two per core):

1. wrk → gunicorn (all workers), no proxy: what `make bench` measures;
2. wrk → nginx → gunicorn (all workers);
3. wrk → nginx → two gunicorn instances (half the workers each), round-robin;

and, for what a cache in front would serve, the home page through nginx to the two servers,
then the same with nginx keeping it (`proxy_cache`, 30 s), and the stylesheet as WhiteNoise
serves it from gunicorn (what every first visit also asks for).

Each row: requests/s, p50/p99, and where the machine's CPU went during the measured seconds,
read from /proc: the gunicorn processes, the PostgreSQL backends serving the bench database,
nginx, Redis, wrk, and the rest of the machine (other people's work on a shared one). The
requests/s per core is given twice: per core of the machine, and per core the serving stack
actually used (gunicorn + PostgreSQL + nginx + Redis), which is what the capacity model in
docs/performance.md builds on. Every article view is counted (one committed PostgreSQL
transaction each), as for a real reader.

Database: DATABASE_URL, else PostgreSQL `mitra_bench_multiserver` (created); the demo is
built once. Redis: a redis-server of its own on a spare port. Everything started is stopped
by its PID. Options: --seconds N (per row, default 10), --connections N (default 32),
--repeat N (rows measured N times, alternating, default 1).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import WrkResult, parse_wrk  # noqa: E402
from tests.processes import (  # noqa: E402
    AppServer,
    Browser,
    Nginx,
    RedisServer,
    app_environment,
    manage,
    wait_until,
)

TICK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) the process has used, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == pid:
                    found.append(int(entry.name))
    return found


def _tree(pid: int) -> list[int]:
    return [pid, *(p for child in _children(pid) for p in _tree(child))]


def _machine_busy() -> float:
    """Busy CPU seconds of the whole machine since boot (all but idle and I/O wait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK


def _backends(database: str) -> list[int]:
    """PIDs of the PostgreSQL backends connected to the bench database."""
    query = (
        f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    )
    done = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atc", query],
        capture_output=True,
        text=True,
        check=True,
    )
    return [int(line) for line in done.stdout.split()]


@dataclass
class Row:
    name: str
    servers: int
    workers_each: int
    result: WrkResult
    cpu: dict[str, float]  # CPU seconds per component during the measured seconds
    seconds: float

    def cores(self, *names: str) -> float:
        return sum(self.cpu[n] for n in names) / self.seconds

    @property
    def serving_cores(self) -> float:
        return self.cores("gunicorn", "postgresql", "nginx", "redis")


def _wrk(url: str, *, seconds: int, connections: int) -> tuple[WrkResult, float]:
    """wrk's result and the CPU seconds wrk itself used (it is this process's only child
    that ends during the run)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return parse_wrk(done.stdout), used


def _ready(server: AppServer, workers: int) -> None:
    """Every worker booted: as many /healthz answers in a row as workers, twice over."""

    def answered() -> bool:
        try:
            return all(Browser(server).get("/healthz").status == 200 for _ in range(2 * workers))
        except OSError:
            return False

    wait_until(answered, seconds=300, what="gunicorn workers")


@dataclass
class SetUp:
    name: str
    servers: int
    workers: int  # per server
    proxied: bool
    page: str = "article"  # "article", "home" or "static" (the stylesheet, from WhiteNoise)
    cached: bool = False  # nginx keeps the page (a measurement of a cache in front)


@contextlib.contextmanager
def _stack(
    env: dict[str, str], set_up: SetUp, path: str
) -> Iterator[tuple[list[AppServer], Nginx | None]]:
    apps = [AppServer(env, workers=set_up.workers) for _ in range(set_up.servers)]
    with contextlib.ExitStack() as stack:
        for app in apps:
            stack.enter_context(app)
        for app in apps:
            _ready(app, set_up.workers)
        proxy = None
        if set_up.proxied:
            cached = (path,) if set_up.cached else ()
            proxy = stack.enter_context(Nginx([a.port for a in apps], cached=cached))
        yield apps, proxy


def measure(
    env: dict[str, str],
    database: str,
    set_up: SetUp,
    *,
    path: str,
    seconds: int,
    connections: int,
    redis_pid: int,
) -> Row:
    with _stack(env, set_up, path) as (apps, proxy):
        base = proxy.base if proxy else apps[0].base
        _wrk(base + path, seconds=3, connections=connections)  # warm: caches, connections
        groups = {
            "gunicorn": [p for app in apps for p in _tree(app.process.pid)],  # type: ignore[union-attr]
            "postgresql": _backends(database),
            "nginx": _tree(proxy.process.pid) if proxy and proxy.process else [],
            "redis": [redis_pid],
        }
        start = {g: sum(_cpu(p) for p in pids) for g, pids in groups.items()}
        busy0 = _machine_busy()
        started = time.monotonic()
        result, wrk_cpu = _wrk(base + path, seconds=seconds, connections=connections)
        elapsed = time.monotonic() - started
        busy1 = _machine_busy()
        cpu = {g: sum(_cpu(p) for p in pids) - start[g] for g, pids in groups.items()}
    cpu["wrk"] = wrk_cpu
    cpu["machine"] = busy1 - busy0
    cpu["rest"] = max(0.0, cpu["machine"] - sum(cpu[g] for g in (*groups, "wrk")))
    assert result.non_2xx == 0 and result.socket_errors == 0, result.raw
    name = f"{set_up.name} ({set_up.servers}×{set_up.workers} workers)"
    return Row(name, set_up.servers, set_up.workers, result, cpu, elapsed)


def report(rows: list[Row], load: str) -> str:
    lines = [
        f"wrk -t2 -c{ARGS.connections}, "
        f"{ARGS.seconds} s per row, {CORES} cores; load before: {load}",
        "",
        "| set-up | req/s | p50 ms | p99 ms | req/s per machine core | serving cores used "
        "| req/s per serving core | CPU ms/request: gunicorn / PostgreSQL / nginx / Redis "
        "| wrk cores | other work (cores) | machine busy |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        r = row.result
        per_request = " / ".join(
            f"{1000 * row.cpu[g] / max(r.requests, 1):.2f}"
            for g in ("gunicorn", "postgresql", "nginx", "redis")
        )
        lines.append(
            f"| {row.name} | {r.rps:.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.rps / CORES:.0f} "
            f"| {row.serving_cores:.2f} | {r.rps / max(row.serving_cores, 0.01):.0f} "
            f"| {per_request} | {row.cores('wrk'):.2f} | {row.cores('rest'):.2f} "
            f"| {100 * row.cores('machine') / CORES:.0f} % |"
        )
    return "\n".join(lines)


ARGS = argparse.Namespace()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=1)
    ARGS.__dict__.update(vars(parser.parse_args()))

    url = os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mitra_bench_multiserver"
    )
    database = url.rsplit("/", 1)[1]
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {database}"],
        capture_output=True,
        check=False,
    )
    workers = int(os.environ.get("BENCH_WORKERS", 2 * CORES))
    media = ROOT / "var" / "bench-multiserver-media"
    media.mkdir(parents=True, exist_ok=True)
    with RedisServer() as redis:
        env = app_environment(database_url=url, media_root=media, redis_url=redis.url)
        env.update(TRUSTED_PROXIES="127.0.0.1", CONN_MAX_AGE="600")
        manage(env, "migrate", "--no-input", "-v0")
        built = "demo.mitra.id" in manage(env, "shell", "-c", _DEMO_CHECK)
        if not built:
            manage(env, "load_regions", "--within", "32.73")
            manage(env, "demo", timeout=1800)
        slug = manage(env, "shell", "-c", _ARTICLE).strip().splitlines()[-1]
        manage(env, "collectstatic", "--no-input", "-v0")
        paths = {"article": f"/berita/{slug}/", "home": "/", "static": "/static/css/mitra.css"}
        load = Path("/proc/loadavg").read_text().strip()
        print(
            f"Article {paths['article']}; {workers} workers in every row; load {load}", flush=True
        )
        half = max(1, workers // 2)
        set_ups = [
            SetUp("article, one server, direct", 1, workers, proxied=False),
            SetUp("article, nginx → one server", 1, workers, proxied=True),
            SetUp("article, nginx → two servers", 2, half, proxied=True),
            SetUp("home, nginx → two servers", 2, half, proxied=True, page="home"),
            SetUp("home, nginx cache hits", 2, half, proxied=True, page="home", cached=True),
            SetUp("stylesheet, nginx → two servers", 2, half, proxied=True, page="static"),
        ]
        rows = []
        for _ in range(ARGS.repeat):
            for set_up in set_ups:
                row = measure(
                    env, database, set_up, path=paths[set_up.page], seconds=ARGS.seconds,
                    connections=ARGS.connections, redis_pid=redis.process.pid,  # type: ignore[union-attr]
                )  # fmt: skip
                print(f"{row.name}: {row.result.rps:.0f} req/s", flush=True)
                rows.append(row)
    text = report(rows, load)
    one = [r.result.rps for r in rows if r.name.startswith("article, nginx → one")]
    two = [r.result.rps for r in rows if r.name.startswith("article, nginx → two")]
    text += (
        f"\n\nTwo servers ÷ one server through nginx: {sum(two) / sum(one):.2f} (target ≥ 1.7)\n"
    )
    print("\n" + text)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "multiserver.md").write_text(text)


_DEMO_CHECK = (
    "from mitra.accounts.models import User; "
    "print(User.objects.filter(email='staf@demo.mitra.id').values_list('email', flat=True).first())"
)
_ARTICLE = (
    "from mitra.portal.models import Article; "
    "print(Article.objects.visible().order_by('pk').values_list('slug', flat=True).first())"
)

if __name__ == "__main__":
    main()
