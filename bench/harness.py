"""What a benchmark scenario is, and how wrk's output is read."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    raw: str


@dataclass
class BenchEnv:
    """Handed to scenario callables: the server's base URL and a scratch dict."""

    base_url: str
    national: bool
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scenario:
    """One row of `make bench`.

    `path` and `headers` may be callables taking the BenchEnv (run after `setup`), so a
    scenario can point at a record it created or log a user in. `verify` runs after the
    load and returns a line for the report (raise AssertionError when the check fails).
    """

    name: str
    path: str | Callable[[BenchEnv], str]
    scale: str = "city"  # "city" or "national": national rows run only with --national
    setup: Callable[[BenchEnv], None] | None = None
    headers: dict[str, str] | Callable[[BenchEnv], dict[str, str]] | None = None
    lua: str | None = None  # path of a wrk Lua script (for POST bodies, varying requests)
    verify: Callable[[BenchEnv, WrkResult], str] | None = None
    connections: int = 32
    target: str = ""  # the target, printed beside the figures
    # Rows are failed when responses are not 2xx/3xx (a 403 page is not a measurement),
    # unless the scenario expects some (e.g. refused scans answered with 4xx).
    allow_non_2xx: bool = False
    # The target as a share of /healthz's requests/s in the same run (0.25 = 25 %),
    # and for one request alone, the median server time in ms: the report says met or not.
    min_ratio: float | None = None
    max_single_ms: float | None = None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        return float("nan")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    requests = re.search(r"(\d+) requests in ([\d.]+)(\w+)", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if not (requests and rps and p99):
        raise RuntimeError(f"could not read wrk output:\n{output}")
    seconds = float(requests.group(2)) * (60 if requests.group(3) == "m" else 1)
    return WrkResult(
        requests=int(requests.group(1)),
        seconds=seconds,
        rps=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)) if p50 else float("nan"),
        p99_ms=_ms(p99.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(g) for g in errors.groups()) if errors else 0,
        raw=output,
    )


def gunicorn_command(gunicorn: str, app: str, *, port: int, workers: str) -> list[str]:
    """The bench's gunicorn: sync workers, 5 s keep-alive, on loopback. Mitra's server and
    pretix's (BENCH_PRETIX) both start from it, so they differ only in the application."""
    return [
        gunicorn,
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        workers,
        "--worker-class",
        "sync",
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
    ]


# Helpers for scenarios. bench/run.py has called django.setup() with the bench database
# before any scenario's setup runs, so these use the ORM and the test client in-process.

BENCH_HOST = "127.0.0.1"


def bench_member(email: str, office: Any, *, role: str = "staff", superuser: bool = False) -> Any:
    """A synthetic benchmark account with one membership in `office` (made once)."""
    from mitra.accounts.models import Membership, User

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, is_superuser=superuser)
    elif user.is_superuser != superuser:
        User.objects.filter(pk=user.pk).update(is_superuser=superuser)
    Membership.objects.filter(user=user).exclude(office=office).delete()
    Membership.objects.get_or_create(user=user, office=office, defaults={"role": role})
    return user


def member_session(
    email: str, office: Any, *, role: str = "staff", superuser: bool = False
) -> dict[str, str]:
    """`bench_member`, then the headers of a logged-in session of that account."""
    bench_member(email, office, role=role, superuser=superuser)
    return session_headers(email)


def state_headers(key: str) -> Callable[[BenchEnv], dict[str, str]]:
    """A scenario's `headers`: those its setup stored in `env.state[key]["headers"]`."""
    return lambda env: dict(env.state[key]["headers"])


def session_headers(email: str) -> dict[str, str]:
    """The Cookie header of a fresh logged-in session of the user `email` (no login form),
    verified with an authenticator app as commission staff's sessions are (so each request
    also finds its second-factor device, as theirs do)."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mitra.accounts.models import User

    user = User.objects.get(email=email)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    name = settings.SESSION_COOKIE_NAME
    return {"Cookie": f"{name}={client.cookies[name].value}"}


def signed_in_page_error(env: BenchEnv, path: str, headers: dict[str, str]) -> str:
    """Why `path` with these session headers is not the signed-in page ("" when it is): a
    redirect to the sign-in page would otherwise count as a fast 3xx answer."""
    import http.client
    from urllib.parse import urlsplit

    from django.urls import reverse

    address = urlsplit(env.base_url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
    finally:
        connection.close()
    if response.status != 200:
        return f"signed-in page answered HTTP {response.status}, not 200"
    if f'action="{reverse("accounts:logout")}"' not in body:
        return "the answer is not a signed-in page (no sign-out form)"
    return ""


def single_request_ms(env: BenchEnv, path: str, headers: dict[str, str], n: int = 20) -> float:
    """Median time of one request alone (no other load) over HTTP from the bench server."""
    import statistics
    import time
    import urllib.request

    request = urllib.request.Request(env.base_url + path, headers=headers)  # noqa: S310
    times = []
    for _ in range(n):
        started = time.perf_counter()
        with urllib.request.urlopen(request) as response:  # noqa: S310 — loopback bench server
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def after_write_ms(
    env: BenchEnv, path: str, headers: dict[str, str], office_id: int, n: int = 20
) -> float:
    """Median time of one request right after a write to the office's records (so the page
    is computed afresh, not served from the figure cache), over HTTP from the bench server."""
    import statistics
    import time
    import urllib.request

    from mitra.analytics import figure_cache

    request = urllib.request.Request(env.base_url + path, headers=headers)  # noqa: S310
    times = []
    for _ in range(n):
        figure_cache.figures_changed(office_id)  # what any write to its records does
        started = time.perf_counter()
        with urllib.request.urlopen(request) as response:  # noqa: S310 — loopback bench server
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def count_queries(path: str, email: str, *, fresh_office_id: int | None = None) -> int:
    """Database queries of one GET of `path` by `email`, measured in-process (asserts 200);
    with `fresh_office_id`, right after a write to that office's records (the page computed
    afresh, not served from the figure cache)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mitra.accounts.models import User
    from mitra.analytics import figure_cache

    client = Client()
    client.force_login(User.objects.get(email=email))
    client.get(path, HTTP_HOST=BENCH_HOST)  # the session and lazy caches, not the page's cost
    if fresh_office_id is not None:
        figure_cache.figures_changed(fresh_office_id)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_HOST=BENCH_HOST)
    assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
    return len(queries)


def queries_line(paths: list[str], email: str, office_id: int | None = None) -> str:
    """`path → n` for each path, and whether the count is the same for all of them; with
    `office_id`, counted for the page computed afresh and, beside it, as served from the
    figure cache."""
    counts = [count_queries(p, email, fresh_office_id=office_id) for p in paths]
    same = "constant" if len(set(counts)) == 1 else "NOT constant"
    line = (
        "queries/request "
        + ", ".join(f"{p} → {n}" for p, n in zip(paths, counts, strict=True))
        + f" ({same})"
    )
    if office_id is not None:
        line += f"; served from the cache {count_queries(paths[0], email)}"
    return line


def busiest_office_session(model: Any, email: str) -> dict[str, Any]:
    """Make `email` staff of the office with the most rows of `model` (an OfficeScoped
    model); returns the row counts (office, total) and the session's headers."""
    from django.db.models import Count

    from mitra.offices.models import Office

    row = model.objects.values("office_id").annotate(n=Count("pk")).order_by("-n").first()
    assert row is not None, f"no {model._meta.verbose_name_plural}: build the demo first"
    headers = member_session(email, Office.objects.get(pk=row["office_id"]))
    return {
        "office": row["n"],
        "office_id": row["office_id"],
        "total": model.objects.count(),
        "headers": headers,
    }


@dataclass
class StaffListRows:
    """Setup, headers and verify of a staff list row at national scale: a staff member of
    the office with the most `model` rows; verify reports the row counts and the queries
    per request of `paths` (which must be the same for all of them)."""

    key: str
    model: str  # "app_label.ModelName"
    noun: str
    email: str
    paths: list[str]

    def setup(self, env: BenchEnv) -> None:
        if self.key not in env.state:
            from django.apps import apps

            env.state[self.key] = busiest_office_session(apps.get_model(self.model), self.email)

    def headers(self, env: BenchEnv) -> dict[str, str]:
        return state_headers(self.key)(env)

    def scenario(
        self,
        name: str,
        path: str,
        target: str,
        *,
        verify: bool = True,
        min_ratio: float | None = None,
        max_single_ms: float | None = None,
    ) -> Scenario:
        return Scenario(
            name=name,
            path=path,
            scale="national",
            setup=self.setup,
            headers=self.headers,
            verify=self.verify if verify else None,
            target=target,
            min_ratio=min_ratio,
            max_single_ms=max_single_ms,
        )

    def verify(self, env: BenchEnv, result: WrkResult) -> str:
        state = env.state[self.key]
        counts = f"{state['total']} {self.noun}, {state['office']} in the office; "
        fresh = after_write_ms(env, self.paths[0], state["headers"], state["office_id"])
        return (
            counts
            + f"after a write {fresh:.1f} ms (rendered afresh); "
            + queries_line(self.paths, self.email, state["office_id"])
        )
