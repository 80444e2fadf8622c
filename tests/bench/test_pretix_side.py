"""The pure parts of the optional pretix comparison of `make bench` (bench/pretix_side.py).

None of these needs pretix: the configuration written for it, the assets counted as a page's
weight, the ratios and the lines printed, and that a side which cannot run says why.
"""

from __future__ import annotations

import configparser
import functools
import gzip
import http.server
import socket
import threading
from collections.abc import Iterator

import pytest

from bench import pretix_side
from bench.harness import Scenario, WrkResult


def _wrk(rps: float, p99: float = 10.0) -> WrkResult:
    return WrkResult(
        requests=int(rps), seconds=1.0, rps=rps, p50_ms=1.0, p99_ms=p99, non_2xx=0,
        socket_errors=0, raw="",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "on"),
    [(None, False), ("", False), ("0", False), ("false", False), ("1", True), ("yes", True)],
)
def test_only_the_variable_switches_the_comparison_on(value, on):
    environ = {} if value is None else {"BENCH_PRETIX": value}
    assert pretix_side.enabled(environ) is on


def test_config_points_pretix_at_its_own_database_redis_db_and_port(tmp_path):
    text = pretix_side.config_text(
        data_dir=tmp_path, port=8797, database="pretix_bench", redis_url="redis://127.0.0.1:6379/12"
    )
    config = configparser.ConfigParser()
    config.read_string(text)
    assert config["pretix"]["url"] == "http://127.0.0.1:8797"
    assert config["pretix"]["datadir"] == str(tmp_path)
    assert dict(config["database"]) == {
        "backend": "postgresql",
        "name": "pretix_bench",
        "user": "postgres",
        "host": "127.0.0.1",
        "port": "5432",
    }
    assert config["redis"]["location"] == "redis://127.0.0.1:6379/12"
    assert config.getboolean("redis", "sessions")
    assert not config.getboolean("django", "debug")
    # No broker: pretix runs its tasks in-process instead of queueing them for a worker.
    assert not config.has_section("celery")


def test_assets_are_the_pages_own_stylesheets_and_scripts_once_each():
    html = """<html><head>
      <link rel="stylesheet" href="/static/a.css">
      <link rel="preload" as="style" href="/static/a.css">
      <link rel="preload" as="font" href="/static/f.woff2">
      <link rel="icon" href="/static/favicon.ico">
      <link rel="stylesheet" href="https://cdn.example.org/x.css">
      <script src="js/b.js"></script><script>inline()</script>
      </head><body><img src="/media/p.jpg"><script src="/static/c.js" defer></script></body>
    </html>"""
    assert pretix_side.asset_urls(html, "http://127.0.0.1:8797/org/event/") == [
        "http://127.0.0.1:8797/static/a.css",
        "http://127.0.0.1:8797/org/event/js/b.js",
        "http://127.0.0.1:8797/static/c.js",
    ]


def test_ratio_is_mitra_over_the_mean_of_the_pretix_runs_around_it():
    assert pretix_side.mitra_over_pretix(900.0, [100.0, 80.0]) == pytest.approx(10.0)
    assert pretix_side.mitra_over_pretix(900.0, [90.0, 0.0]) == pytest.approx(10.0)
    assert pretix_side.mitra_over_pretix(900.0, []) is None
    assert pretix_side.mitra_over_pretix(0.0, [90.0]) is None


def _pair(name: str, mitra: float | None, pretix: list[float]) -> pretix_side.PairResult:
    part = next(c for c in pretix_side.COUNTERPARTS if c.mitra == name)
    return pretix_side.PairResult(
        counterpart=part,
        connections=32,
        mitra=_wrk(mitra, 20.0) if mitra is not None else None,
        pretix=[_wrk(r, 300.0) for r in pretix],
    )


def _row(lines: list[str], start: str) -> list[str]:
    line = next(line for line in lines if line.startswith(f"| {start}"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_lines_print_the_ratio_and_whether_the_issues_target_is_met():
    weights = {
        "Mitra public activity page": pretix_side.PageWeight(
            html=10 * 1024, html_gzip=3 * 1024, assets=[("/s.css", 2048, 1024)]
        ),
        "pretix event page": pretix_side.PageWeight(
            html=40 * 1024, html_gzip=8 * 1024, assets=[("/a.js", 80 * 1024, 30 * 1024)]
        ),
    }
    lines = pretix_side.comparison_lines(
        heading="pretix side by side",
        pairs=[
            _pair("healthz", 1200.0, [600.0, 600.0]),
            _pair("public activity page", 900.0, [100.0, 80.0]),
            _pair("ticket scans (API, PostgreSQL, nonce retries)", 300.0, [50.0, 70.0]),
        ],
        weights=weights,
    )
    page = _row(lines, "public activity page")
    assert page[2:5] == ["900", "100 / 80", "10.0×"]
    assert page[7:9] == ["≥ 10×", "yes"]
    assert _row(lines, "ticket scans")[4] == "5.0×"
    assert _row(lines, "/healthz")[4] == "2.0×"
    assert _row(lines, "/healthz")[8] == ""  # no target: the ratio is reported
    assert _row(lines, "Mitra public activity page")[1:5] == ["10.0", "2.0 (1)", "12.0", "4.0"]
    assert _row(lines, "pretix event page")[3:5] == ["120.0", "38.0"]
    assert any("pretix's event page weighs 10.0× Mitra's" in line for line in lines)

    slower = pretix_side.comparison_lines(
        heading="h", pairs=[_pair("public activity page", 700.0, [100.0, 80.0])], weights={}
    )
    assert _row(slower, "public activity page")[4] == "7.8×"
    assert _row(slower, "public activity page")[8] == "NO"


def test_lines_say_why_the_comparison_did_not_run():
    lines = pretix_side.comparison_lines(
        heading="h", pairs=[], weights={}, problem="install failed (exit 1): no such version"
    )
    assert "pretix comparison incomplete: install failed (exit 1): no such version" in lines
    assert not any(line.startswith("| pair") for line in lines)


@pytest.fixture
def static_site(tmp_path) -> Iterator[str]:
    """A loopback server for a page whose stylesheet it serves and whose script it does not
    (left to nginx, as pretix's /static/)."""
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text(
        '<link rel="stylesheet" href="/site.css"><script src="/static/app.js"></script>' + "x" * 500
    )
    (tmp_path / "site.css").write_text("body { color: red; }\n" * 20)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_page_weight_counts_the_html_and_assets_served_or_read_from_static_root(
    static_site, tmp_path
):
    static_root = tmp_path / "static-root"
    static_root.mkdir()
    script = b"console.log('pretix');\n" * 100
    (static_root / "app.js").write_bytes(script)
    weight = pretix_side.page_weight(
        f"{static_site}/page/", headers={}, static_url="/static/", static_root=static_root
    )
    page = (tmp_path / "page" / "index.html").read_bytes()
    css = (tmp_path / "site.css").read_bytes()
    assert weight.html == len(page)
    assert [(url.rsplit("/", 1)[1], size) for url, size, _ in weight.assets] == [
        ("site.css", len(css)),
        ("app.js", len(script)),
    ]
    assert weight.total == len(page) + len(css) + len(script)
    assert weight.total_gzip == sum(
        len(gzip.compress(b, compresslevel=6, mtime=0)) for b in (page, css, script)
    )
    assert weight.total_gzip < weight.total

    with pytest.raises(OSError):  # without the static root, a missing asset is an error
        pretix_side.page_weight(f"{static_site}/page/", headers={})


def test_a_side_that_cannot_run_says_why_and_starts_nothing(monkeypatch):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    monkeypatch.setenv("BENCH_PRETIX_PORT", str(port))
    for name in ("PRETIX_BENCH_CONFIG", "PRETIX_BENCH_RESULT"):  # restored afterwards
        monkeypatch.setenv(name, "")
    calls: list[object] = []
    side = pretix_side.from_environment(
        port=1, workers="4", seconds=5, run_wrk=lambda *a, **k: calls.append(a)
    )
    try:
        assert side.prepare() is False
        assert side.start() is False
        side.before(Scenario(name="healthz", path="/healthz"))
    finally:
        taken.close()
    # The side stops before installing anything, for the first reason that holds here.
    expected = (
        f"port {port} is taken"
        if pretix_side._answers(5432)
        else "PostgreSQL does not answer on 127.0.0.1:5432"
    )
    assert expected in side.problem, side.problem
    assert side.server is None and not side.active and calls == []
    assert any(side.problem in line for line in side.report_lines())


def test_checks_name_dropped_answers_and_count_what_pretix_answered_the_scans(
    monkeypatch, tmp_path
):
    for name in ("PRETIX_BENCH_CONFIG", "PRETIX_BENCH_RESULT"):
        monkeypatch.setenv(name, "")
    result_file = tmp_path / "redeem-result.txt"
    monkeypatch.setattr(pretix_side, "REDEEM_RESULT", result_file)
    side = pretix_side.PretixSide(port=1, workers="4", seconds=5, run_wrk=lambda **k: None)
    page, scans = pretix_side.COUNTERPARTS[1], pretix_side.COUNTERPARTS[2]
    slow = _wrk(3.0)
    slow.socket_errors = 12
    assert side._check(page, _wrk(50.0)) == ""
    assert side._check(page, slow) == "12 socket errors/timeouts"
    broken = _wrk(50.0)
    broken.non_2xx = 7
    assert side._check(page, broken) == "FAILED: 7 answers not 2xx/3xx"

    result_file.write_text("ok 120\nrefused 9\nfailed 0\n")  # as bench/pretix_redeem.lua writes
    assert side._check(scans, _wrk(40.0)) == "pretix redeemed 120, refused 9"
    result_file.write_text("ok 120\nrefused 9\nfailed 3\n")
    assert side._check(scans, slow) == (
        "12 socket errors/timeouts; pretix redeemed 120, refused 9; FAILED: 3 other answers"
    )
