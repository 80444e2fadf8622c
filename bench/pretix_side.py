"""pretix side by side: the optional comparison of `make bench` (`BENCH_PRETIX=1`).

Issue 19 asks that Mitra's public activity page stay ≥ 10 × pretix's event page, measured on
the same machine with the same gunicorn workers. With `BENCH_PRETIX=1` the bench:

1. installs pretix (`BENCH_PRETIX_VERSION`, default 2026.8.0) from PyPI into its own venv,
   `var/pretix-venv` (made with the project's Python; never the project's lock);
2. writes its configuration (`var/pretix/pretix.cfg`: data under `var/pretix/`, PostgreSQL
   database `pretix_bench` on 127.0.0.1, Redis DB 12 for cache and sessions, no Celery
   broker so pretix runs its tasks in-process), migrates (its static files come built in the
   wheel; `pretix rebuild` runs only when they do not), and seeds one organizer with one
   live, public event in Indonesian, a free ticket and its quota, 9,000 paid orders of one
   ticket each, a check-in list and a team API token (`bench/pretix_seed.py`, run by pretix's
   own Python, with pretix's models);
3. starts pretix under gunicorn with the worker count and class of Mitra's server, on the
   loopback port `BENCH_PRETIX_PORT` (default `BENCH_PORT` + 100);
4. runs each pretix counterpart just before and just after its Mitra row (pretix, Mitra,
   pretix: a drifting load on the shared machine weighs on both sides alike), with the
   row's seconds and connections: the event page against the public activity page, the
   check-in API (redeem with a nonce, retries and unknown tickets as in Mitra's scan row,
   fresh tickets for every run) against the ticket scan API, `/healthcheck/` against
   `/healthz`;
5. weighs both public pages (the HTML and the stylesheets and scripts it links, as sent
   and gzip-compressed), prints the ratios Mitra ÷ pretix with the issue's target under the
   report table, and stops pretix by its PID whatever happened.

Every step has a time limit; a step that fails or times out ends the comparison with its
reason printed, and Mitra's rows go on as without the variable. Mitra's rows and figures are
not changed by it.
"""

from __future__ import annotations

import configparser
import contextlib
import gzip
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from bench.harness import BenchEnv, Scenario, WrkResult, gunicorn_command

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "var" / "pretix-venv"
DATA = ROOT / "var" / "pretix"
CONFIG = DATA / "pretix.cfg"
SEED = DATA / "seed.json"
REDEEM_CONFIG = DATA / "redeem.txt"
REDEEM_RESULT = DATA / "redeem-result.txt"
DEFAULT_VERSION = "2026.8.0"
DATABASE = "pretix_bench"
REDIS_URL = "redis://127.0.0.1:6379/12"
# gunicorn as in Mitra's lock, so both servers run the same one.
GUNICORN = "gunicorn==27.0.1"
# Tickets scanned per run, as Mitra's scan row; one batch for the warm-up, one for the run
# before and one for the run after Mitra's row, so every run starts on unused tickets.
TICKETS_PER_RUN = 3000
RUNS = ("warm-up", "before", "after")
# wrk gives up on an answer after this many seconds (Mitra's rows: 5). pretix's event page
# takes ≈ 0.2 s alone, so 32 connections on 4 workers queue for seconds on a busy machine;
# a longer limit counts those answers instead of dropping them (in pretix's favour).
WRK_TIMEOUT = 30
# Seconds each step may take (the shared 2-core machine can be slow); past it the
# comparison is given up with the step's name.
TIMEOUTS = {
    "venv": 300,
    "install": 1800,
    "database": 60,
    "migrate": 1800,
    "static files": 1800,
    "seed": 900,
    "start": 300,
    "stop": 30,
    "request": 120,
}
BROWSER_UA = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36"
)


class PretixUnavailable(RuntimeError):
    """A step of the pretix side failed; the message says which and why."""


# What ends the comparison with its reason printed, rather than the bench: a failed step, a
# command that hung or could not start, a seed answer without what the bench needs.
SETUP_FAILURES = (PretixUnavailable, subprocess.SubprocessError, OSError, LookupError, ValueError)


def enabled(environ: Mapping[str, str]) -> bool:
    return environ.get("BENCH_PRETIX", "").strip().lower() not in ("", "0", "false", "no", "off")


def config_text(*, data_dir: Path, port: int, database: str, redis_url: str) -> str:
    """pretix.cfg for the bench: its own data dir, PostgreSQL, Redis for cache and sessions,
    production mode; no [celery] section, so pretix runs its tasks in-process."""
    config = configparser.ConfigParser()
    config["pretix"] = {
        "instance_name": "pretix (Mitra bench)",
        "url": f"http://127.0.0.1:{port}",
        "currency": "IDR",
        "datadir": str(data_dir),
    }
    config["locale"] = {"default": "en", "timezone": "Asia/Jakarta"}
    config["database"] = {
        "backend": "postgresql",
        "name": database,
        "user": "postgres",
        "host": "127.0.0.1",
        "port": "5432",
    }
    config["redis"] = {"location": redis_url, "sessions": "true"}
    config["mail"] = {"from": "pretix-bench@example.org", "host": "127.0.0.1", "port": "1"}
    config["django"] = {"debug": "false"}
    out = io.StringIO()
    config.write(out)
    return out.getvalue()


def mitra_over_pretix(mitra_rps: float, pretix_rps: list[float]) -> float | None:
    """Mitra's requests/s over the mean of pretix's runs around it (None without a figure)."""
    measured = [r for r in pretix_rps if r > 0]
    if mitra_rps <= 0 or not measured:
        return None
    return mitra_rps / (sum(measured) / len(measured))


class _Assets(HTMLParser):
    """Stylesheets and scripts a browser loads for a page (images and fonts not counted)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        rel = values.get("rel", "").lower().split()
        if tag == "script" and values.get("src"):
            self.urls.append(values["src"])
        elif tag == "link" and values.get("href"):
            preloaded = "preload" in rel and values.get("as") in ("script", "style")
            if "stylesheet" in rel or "modulepreload" in rel or preloaded:
                self.urls.append(values["href"])


def asset_urls(html: str, page_url: str) -> list[str]:
    """Absolute URLs of the page's stylesheets and scripts on the page's own host, in order,
    each once (the bench serves no other host)."""
    parser = _Assets()
    parser.feed(html)
    host = urllib.parse.urlsplit(page_url).netloc
    seen: list[str] = []
    for url in (urllib.parse.urljoin(page_url, u) for u in parser.urls):
        if urllib.parse.urlsplit(url).netloc == host and url not in seen:
            seen.append(url)
    return seen


@dataclass
class PageWeight:
    """Bytes of a page and of the stylesheets and scripts it links: as the server sent them
    (uncompressed) and gzip-compressed (level 6, as nginx would send them)."""

    html: int
    html_gzip: int
    assets: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.html + sum(a[1] for a in self.assets)

    @property
    def total_gzip(self) -> int:
        return self.html_gzip + sum(a[2] for a in self.assets)


def _gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def _get(url: str, headers: Mapping[str, str]) -> bytes:
    request = urllib.request.Request(url, headers=dict(headers))  # noqa: S310 — loopback
    with urllib.request.urlopen(request, timeout=TIMEOUTS["request"]) as response:  # noqa: S310
        return response.read()


def page_weight(
    url: str,
    *,
    headers: Mapping[str, str],
    static_url: str = "",
    static_root: Path | None = None,
) -> PageWeight:
    """Fetch the page and its same-host stylesheets and scripts. An asset the server does not
    serve itself (pretix leaves /static/ to nginx) is read from `static_root`."""
    body = _get(url, headers)
    weight = PageWeight(html=len(body), html_gzip=_gzip_size(body))
    for asset in asset_urls(body.decode("utf-8", "replace"), url):
        try:
            data = _get(asset, headers)
        except urllib.error.HTTPError:
            path = urllib.parse.urlsplit(asset).path
            if static_root is None or not static_url or not path.startswith(static_url):
                raise
            data = (static_root / path.removeprefix(static_url)).read_bytes()
        weight.assets.append((asset, len(data), _gzip_size(data)))
    return weight


@dataclass(frozen=True)
class Counterpart:
    """What pretix serves against one of Mitra's rows."""

    mitra: str  # the name of Mitra's row (bench/scenarios)
    label: str
    path: Callable[[dict[str, Any]], str]  # from the seed's answer
    target: str
    headers: Callable[[dict[str, Any]], dict[str, str]] = lambda seed: {"User-Agent": BROWSER_UA}
    lua: str | None = None
    min_ratio: float | None = None  # Mitra ÷ pretix the issue asks for
    scans: bool = False  # check-in runs: fresh tickets per run, answers counted


COUNTERPARTS = (
    Counterpart(
        mitra="healthz",
        label="/healthz vs pretix /healthcheck/",
        path=lambda seed: "/healthcheck/",
        target="ratio reported (issue: 1.9×)",
    ),
    Counterpart(
        mitra="public activity page",
        label="public activity page vs pretix event page",
        path=lambda seed: f"/{seed['organizer']}/{seed['event']}/",
        target="≥ 10×",
        min_ratio=10.0,
    ),
    Counterpart(
        mitra="ticket scans (API, PostgreSQL, nonce retries)",
        label="ticket scans vs pretix check-in redeem (nonce retries)",
        path=lambda seed: f"/api/v1/organizers/{seed['organizer']}/checkinrpc/redeem/",
        headers=lambda seed: {
            "Authorization": f"Token {seed['token']}",
            "Content-Type": "application/json",
        },
        lua="bench/pretix_redeem.lua",
        target="ratio reported (issue: 7.5×)",
        scans=True,
    ),
)


@dataclass
class PairResult:
    counterpart: Counterpart
    connections: int
    mitra: WrkResult | None = None
    pretix: list[WrkResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def comparison_lines(
    *,
    heading: str,
    pairs: list[PairResult],
    weights: dict[str, PageWeight],
    problem: str = "",
) -> list[str]:
    """The lines printed under the report table."""
    lines = [heading, ""]
    if problem:
        lines += [f"pretix comparison incomplete: {problem}", ""]
    if not pairs and not weights:
        return lines
    lines += [
        "| pair | conns | Mitra req/s | pretix req/s (before / after) | Mitra ÷ pretix "
        "| Mitra p99 ms | pretix p99 ms (before / after) | target | met? | check |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for pair in pairs:
        part = pair.counterpart
        mitra_rps = pair.mitra.rps if pair.mitra else 0.0
        ratio = mitra_over_pretix(mitra_rps, [r.rps for r in pair.pretix])
        met = ""
        if part.min_ratio is not None and ratio is not None:
            met = "yes" if ratio >= part.min_ratio else "NO"
        lines.append(
            f"| {part.label} | {pair.connections} | {mitra_rps:.0f} | "
            + (" / ".join(f"{r.rps:.0f}" for r in pair.pretix) or "—")
            + f" | {f'{ratio:.1f}×' if ratio is not None else '—'} | "
            + (f"{pair.mitra.p99_ms:.1f}" if pair.mitra else "—")
            + " | "
            + (" / ".join(f"{r.p99_ms:.1f}" for r in pair.pretix) or "—")
            + f" | {part.target} | {met} | {'; '.join(pair.notes)} |"
        )
    if weights:
        lines += [
            "",
            "| page weight | HTML KB | CSS + JS KB (files) | total KB | total KB gzip |",
            "| --- | --- | --- | --- | --- |",
        ]
        for name, weight in weights.items():
            lines.append(
                f"| {name} | {_kb(weight.html)} | {_kb(weight.total - weight.html)} "
                f"({len(weight.assets)}) | {_kb(weight.total)} | {_kb(weight.total_gzip)} |"
            )
        if len(weights) == 2:
            mitra, pretix = weights.values()
            lines.append(
                f"\npretix's event page weighs {pretix.total / max(mitra.total, 1):.1f}× Mitra's "
                f"activity page ({pretix.total_gzip / max(mitra.total_gzip, 1):.1f}× gzip); "
                "images and fonts not counted."
            )
    return lines


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


RunWrk = Callable[..., WrkResult]


class PretixSide:
    """The pretix server of one bench run, and its rows beside Mitra's."""

    def __init__(
        self, *, port: int, workers: str, seconds: int, run_wrk: RunWrk, mitra_health: str = ""
    ) -> None:
        self.port = port
        self.mitra_health = mitra_health  # Mitra's /healthz, to wait for its queue to drain
        self.workers = workers
        self.seconds = seconds
        self.run_wrk = run_wrk
        self.version = os.environ.get("BENCH_PRETIX_VERSION", DEFAULT_VERSION)
        self.python = VENV / "bin" / "python"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VIRTUAL_"))},
            "PRETIX_CONFIG_FILE": str(CONFIG),
            "DJANGO_SETTINGS_MODULE": "pretix.settings",
            "PATH": f"{VENV / 'bin'}:{os.environ.get('PATH', '')}",
        }
        for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"):
            self.env.pop(name, None)  # Mitra's; pretix reads its own config file
        # Where bench/pretix_redeem.lua (run by wrk, which inherits our environment) reads
        # the tickets of its run and writes what pretix answered.
        os.environ["PRETIX_BENCH_CONFIG"] = str(REDEEM_CONFIG)
        os.environ["PRETIX_BENCH_RESULT"] = str(REDEEM_RESULT)
        self.seed: dict[str, Any] = {}
        self.server: subprocess.Popen[bytes] | None = None
        self.problem = ""
        self.pairs: dict[str, PairResult] = {}
        self.weights: dict[str, PageWeight] = {}

    # -- preparing and serving ---------------------------------------------------------

    def _step(self, name: str, command: list[str], **kwargs: Any) -> str:
        print(f"  pretix: {name} …", flush=True)
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=TIMEOUTS[name],
                env=kwargs.pop("env", self.env),
                check=False,
                **kwargs,
            )
        except subprocess.TimeoutExpired as exc:
            raise PretixUnavailable(
                f"{name} did not finish within {TIMEOUTS[name]} s ({' '.join(command[:5])})"
            ) from exc
        except OSError as exc:
            raise PretixUnavailable(f"{name}: {exc}") from exc
        if done.returncode:
            raise PretixUnavailable(
                f"{name} failed (exit {done.returncode}): {' '.join(command[:5])}\n"
                + _tail(done.stderr or done.stdout)
            )
        return done.stdout

    def installed_version(self) -> str:
        if not self.python.exists():
            return ""
        done = subprocess.run(
            [str(self.python), "-c", "import pretix; print(pretix.__version__)"],
            capture_output=True,
            text=True,
            timeout=120,
            env=self.env,
            check=False,
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    def install(self) -> None:
        """pretix and gunicorn into var/pretix-venv. When the pinned version is not on the
        package index, the newest there is taken and the report names it."""
        if self.installed_version() == self.version:
            return
        if not self.python.exists():
            self._step("venv", [sys.executable, "-m", "venv", str(VENV)], env=None)
        pip = [str(self.python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        try:
            self._step("install", [*pip, f"pretix=={self.version}", GUNICORN])
        except PretixUnavailable as exc:
            if "No matching distribution" not in str(exc):
                raise
            print(f"  pretix {self.version} is not on the index; taking the newest", flush=True)
            self._step("install", [*pip, "--upgrade", "pretix", GUNICORN])
            self.version = self.installed_version()
        if not self.version or self.installed_version() != self.version:
            raise PretixUnavailable(f"pretix {self.version} is not importable after pip install")

    def prepare(self) -> bool:
        """Install, configure, migrate and seed; False (and the reason kept) when it fails."""
        return self._attempt(self._prepare)

    def start(self) -> bool:
        """Start pretix's server; False (and the reason kept) when it does not serve."""
        return self._attempt(self._start)

    def _attempt(self, step: Callable[[], None]) -> bool:
        if self.problem:
            return False
        try:
            step()
        except SETUP_FAILURES as exc:
            self.problem = str(exc) or type(exc).__name__
            print(f"  pretix comparison given up: {self.problem}", flush=True)
            self.stop()
            return False
        return True

    def _prepare(self) -> None:
        if not _answers(5432):
            raise PretixUnavailable("PostgreSQL does not answer on 127.0.0.1:5432")
        if _answers(self.port):
            raise PretixUnavailable(f"port {self.port} is taken (set BENCH_PRETIX_PORT)")
        self.install()
        DATA.mkdir(parents=True, exist_ok=True)
        CONFIG.write_text(
            config_text(data_dir=DATA, port=self.port, database=DATABASE, redis_url=REDIS_URL)
        )
        exists = self._step(
            "database",
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
             f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],
            env=None,
        )  # fmt: skip
        if exists.strip() != "1":
            self._step(
                "database",
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DATABASE}"],
                env=None,
            )
        pretix = [str(self.python), "-m", "pretix"]
        self._step("migrate", [*pretix, "migrate", "--noinput"], cwd=DATA)
        # The wheel ships its compiled styles and scripts; build them only when it did not.
        if not list(VENV.glob("lib/python*/site-packages/pretix/static.dist/CACHE/manifest.json")):
            self._step("static files", [*pretix, "rebuild"], cwd=DATA)
        self._step(
            "seed",
            [
                str(self.python),
                str(ROOT / "bench" / "pretix_seed.py"),
                "--out",
                str(SEED),
                "--tickets",
                str(TICKETS_PER_RUN * len(RUNS)),
            ],
            cwd=DATA,
        )
        self.seed = json.loads(SEED.read_text())

    def _start(self) -> None:
        """gunicorn with Mitra's worker count and class, in a process group of its own."""
        print(f"  pretix: gunicorn on 127.0.0.1:{self.port} …", flush=True)
        log = (DATA / "gunicorn.log").open("ab")
        self.server = subprocess.Popen(
            gunicorn_command(
                str(VENV / "bin" / "gunicorn"), "pretix.wsgi", port=self.port, workers=self.workers
            ),
            cwd=DATA,
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + TIMEOUTS["start"]
        answered = 0
        while time.monotonic() < deadline and answered < 4 * int(self.workers):
            if self.server.poll() is not None:
                raise PretixUnavailable(
                    f"gunicorn exited ({self.server.returncode}); see {DATA / 'gunicorn.log'}"
                )
            try:
                _get(self.url("/healthcheck/"), {})
                answered += 1
            except OSError:
                time.sleep(0.5)
        if not answered:
            raise PretixUnavailable(
                f"pretix did not answer /healthcheck/ within {TIMEOUTS['start']} s"
            )
        # The event page must render (a 500 here would be timed as a fast error page).
        _get(self.url(COUNTERPARTS[1].path(self.seed)), {"User-Agent": BROWSER_UA})

    def stop(self) -> None:
        """Stop pretix's gunicorn (master and workers) by its PID, always."""
        server, self.server = self.server, None
        if server is None or server.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=TIMEOUTS["stop"])
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=TIMEOUTS["stop"])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # -- the rows ------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.server is not None and not self.problem

    def counterpart(self, scenario: Scenario) -> Counterpart | None:
        return next((c for c in COUNTERPARTS if c.mitra == scenario.name), None)

    def _run(self, part: Counterpart, run: str, *, seconds: int, connections: int) -> WrkResult:
        if part.scans:
            batch = self.seed["secrets"][RUNS.index(run) :: len(RUNS)][:TICKETS_PER_RUN]
            REDEEM_CONFIG.write_text("\n".join([str(self.seed["list"]), *batch]) + "\n")
            REDEEM_RESULT.unlink(missing_ok=True)
        return self.run_wrk(
            self.url(part.path(self.seed)),
            seconds=seconds,
            connections=connections,
            headers=part.headers(self.seed),
            lua=part.lua,
            timeout=WRK_TIMEOUT,
        )

    def _check(self, part: Counterpart, result: WrkResult) -> str:
        """Every answer must be pretix's own: redeemed, refused (4xx) or a page; 5xx fails.
        Requests wrk gave up on (slower than WRK_TIMEOUT) are named: they are not counted."""
        lost = f"{result.socket_errors} socket errors/timeouts; " if result.socket_errors else ""
        if not part.scans:
            failed = f"FAILED: {result.non_2xx} answers not 2xx/3xx" if result.non_2xx else ""
            return (lost + failed).strip("; ")
        counts = dict.fromkeys(("ok", "refused", "failed"), 0)
        if REDEEM_RESULT.exists():
            for line in REDEEM_RESULT.read_text().splitlines():
                key, _, value = line.partition(" ")
                counts[key] = int(value)
        text = f"{lost}pretix redeemed {counts['ok']}, refused {counts['refused']}"
        return text + (f"; FAILED: {counts['failed']} other answers" if counts["failed"] else "")

    def _drained(self, url: str) -> None:
        """Wait until a server has answered what a run left queued (wrk stops with up to one
        request per connection waiting, seconds of work on a busy machine): one request,
        answered after those, so the next run does not share the CPU with them."""
        if url:
            with contextlib.suppress(OSError):
                _get(url, {})

    def before(self, scenario: Scenario) -> None:
        """Warm pretix up and time it once, just before Mitra's row."""
        part = self.counterpart(scenario)
        if part is None or not self.active:
            return
        pair = self.pairs.setdefault(
            scenario.name, PairResult(counterpart=part, connections=scenario.connections)
        )
        health = self.url("/healthcheck/")
        try:
            self._drained(self.mitra_health)  # what Mitra's previous row left
            self._drained(health)
            self._run(part, "warm-up", seconds=2, connections=4)
            self._drained(health)
            result = self._run(
                part, "before", seconds=self.seconds, connections=scenario.connections
            )
            self._drained(health)
            pair.pretix.append(result)
            note = self._check(part, result)
            if note:
                pair.notes.append(f"before: {note}")
        except (subprocess.SubprocessError, RuntimeError, OSError) as exc:
            pair.notes.append(f"pretix run failed: {exc}")

    def after(self, scenario: Scenario, mitra: WrkResult) -> None:
        """Time pretix once more, right after Mitra's row, and keep Mitra's figures."""
        pair = self.pairs.get(scenario.name)
        if pair is None or not self.active:
            return
        pair.mitra = mitra
        try:
            self._drained(self.mitra_health)
            result = self._run(
                pair.counterpart, "after", seconds=self.seconds, connections=pair.connections
            )
            self._drained(self.url("/healthcheck/"))
            pair.pretix.append(result)
            note = self._check(pair.counterpart, result)
            if note:
                pair.notes.append(f"after: {note}")
        except (subprocess.SubprocessError, RuntimeError, OSError) as exc:
            pair.notes.append(f"pretix run failed: {exc}")
        line = " / ".join(f"{r.rps:.0f}" for r in pair.pretix)
        print(f"  pretix {pair.counterpart.label}: {line} req/s", flush=True)

    def weigh(self, env: BenchEnv) -> None:
        """Both public pages and what they link, fetched as a browser would ask for them."""
        if not self.active:
            return
        from bench.scenarios.portal import SCENARIOS

        page = next(s for s in SCENARIOS if s.name == COUNTERPARTS[1].mitra)
        headers = {"User-Agent": BROWSER_UA}
        static_root = self.seed.get("static_root")
        try:
            if page.setup:
                page.setup(env)
            path = page.path(env) if callable(page.path) else page.path
            self.weights["Mitra public activity page"] = page_weight(
                env.base_url + path, headers=headers
            )
            self.weights[f"pretix {self.version} event page"] = page_weight(
                self.url(COUNTERPARTS[1].path(self.seed)),
                headers=headers,
                static_url=self.seed.get("static_url", ""),
                static_root=Path(static_root) if static_root else None,
            )
        except (OSError, ValueError, AssertionError) as exc:
            self.weights.clear()
            self.problem = self.problem or f"weighing the pages failed: {exc}"

    def report_lines(self) -> list[str]:
        heading = (
            f"pretix {self.version} side by side (BENCH_PRETIX=1): gunicorn {self.workers} sync "
            f"workers each, pretix timed just before and just after each Mitra row "
            f"({self.seconds} s each, same connections), PostgreSQL db {DATABASE}, Redis db 12."
        )
        pairs = [self.pairs[c.mitra] for c in COUNTERPARTS if c.mitra in self.pairs]
        return comparison_lines(
            heading=heading, pairs=pairs, weights=self.weights, problem=self.problem
        )


def from_environment(*, port: int, workers: str, seconds: int, run_wrk: RunWrk) -> PretixSide:
    """The pretix side of a bench whose Mitra server listens on `port`."""
    return PretixSide(
        port=int(os.environ.get("BENCH_PRETIX_PORT", str(port + 100))),
        workers=workers,
        seconds=seconds,
        run_wrk=run_wrk,
        mitra_health=f"http://127.0.0.1:{port}/healthz",
    )
