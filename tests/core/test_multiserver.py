"""Two app servers behind nginx, for real (docs/deployment.md, "Several app servers").

Two gunicorn instances with the production settings (DEBUG off) serve the demo from one
PostgreSQL database of this module's own (created on the suite's server and dropped after),
one Redis (a redis-server of its own on a spare port: cache and Celery broker), one Celery
worker process and one uploads folder (MEDIA_ROOT); nginx (Debian's package, run as an
ordinary process with its own configuration) spreads requests round-robin over them. The
checks send requests through nginx and straight to each server:

- article views from many readers at once, spread over both servers, counted exactly;
- a session opened on one server is valid on the other, and so is its CSRF token;
- a write on one server drops the cached pages and dashboard figures the other serves;
- ticket scans retried with the same nonce on alternating servers are recorded once;
- a file uploaded through one server is served by the other, and a report asked for on
  one server is made by the worker and downloaded from the other.

Runs in the PostgreSQL pass of the suite (`make multiserver` runs it alone); everything it
starts is stopped by PID when it ends. 2.7–3.3 min on the shared 2-core machine at load
7–13, most of it migrating and building the demo; the checks themselves take ≈ 20 s.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from psycopg.conninfo import make_conninfo

from tests.processes import (
    NGINX,
    AppServer,
    Browser,
    CeleryWorker,
    Nginx,
    RedisServer,
    Response,
    app_environment,
    manage,
    wait_until,
)

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="several app servers share PostgreSQL: runs in the PostgreSQL pass of the suite",
)

BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
PASSWORD = "MitraDemo2024!"
READERS, VIEWS_PER_READER = 8, 25


@dataclass
class Cluster:
    a: AppServer
    b: AppServer
    nginx: Nginx
    worker: CeleryWorker
    media: Path
    conninfo: str
    data: dict[str, Any]

    def sql(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.conninfo) as connection:
            return connection.execute(query, params).fetchall()  # type: ignore[arg-type]

    def one(self, query: str, *params: object) -> Any:
        return self.sql(query, *params)[0][0]


def _conninfo(database: str) -> str:
    conf = settings.DATABASES["default"]
    return make_conninfo(
        host=conf["HOST"] or "127.0.0.1",
        port=str(conf["PORT"] or 5432),
        user=conf["USER"],
        password=conf["PASSWORD"] or None,
        dbname=database,
    )


def _database_url(database: str) -> str:
    conf = settings.DATABASES["default"]
    auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    return f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{database}"


def _server_sql(statement: str) -> None:
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


def _answers_healthz(server: AppServer) -> bool:
    try:
        return Browser(server).get("/healthz").status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if NGINX is None and os.environ.get("CI"):
        pytest.fail("nginx is missing: `make test` installs Debian's nginx")
    database = f"mitra_multiserver_{os.getpid()}"
    media = tmp_path_factory.mktemp("shared-media")
    _server_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    _server_sql(f'CREATE DATABASE "{database}"')
    try:
        with RedisServer() as redis:
            env = app_environment(
                database_url=_database_url(database), media_root=media, redis_url=redis.url
            )
            # The broker is the shared Redis (REDIS_URL), as docs/deployment.md sets it up.
            env.update(CELERY_TASK_ALWAYS_EAGER="false", TRUSTED_PROXIES="127.0.0.1")
            manage(env, "migrate", "--no-input", "-v0")
            manage(env, "load_regions", "--within", "32.73")
            manage(env, "demo")
            out = manage(
                env, "shell", "-c", "from tests.core.multiserver_data import build; build()"
            )
            data = json.loads(out.strip().splitlines()[-1])
            a, b = AppServer(env), AppServer(env)
            proxy = Nginx([a.port, b.port])
            env["SITE_URL"] = proxy.base
            log = tmp_path_factory.mktemp("worker") / "worker.log"
            # The worker logs each task it runs (the report check reads that).
            worker = CeleryWorker({**env, "LOG_LEVEL": "INFO"}, log_path=log)
            with worker, a, b, proxy:
                for server in (a, b):
                    wait_until(lambda s=server: _answers_healthz(s), seconds=180, what="workers")
                yield Cluster(a, b, proxy, worker, media, _conninfo(database), data)
    finally:
        _server_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# --- Helpers --------------------------------------------------------------------------------


def _views_shown(response: Response) -> int:
    assert response.status == 200, response.status
    match = re.search(r"Dilihat ([\d.]+) kali", response.text)
    assert match, "no view count on the article page"
    return int(match.group(1).replace(".", ""))


def _views_stored(cluster: Cluster, article_id: int) -> int:
    return int(
        cluster.one(
            "SELECT a.view_count + COALESCE(SUM(t.views), 0) FROM portal_article a "
            "LEFT JOIN portal_articleviewtally t ON t.article_id = a.id "
            "WHERE a.id = %s GROUP BY a.view_count",
            article_id,
        )
    )


def _login(cluster: Cluster, via: Any) -> Browser:
    staff = Browser(via)
    assert staff.get("/akun/masuk/").status == 200
    answer = staff.post(
        "/akun/masuk/", {"username": cluster.data["staff_email"], "password": PASSWORD}
    )
    assert answer.status == 302, answer.text[:500]
    return staff


def _article_form(title: str, **extra: str) -> dict[str, str]:
    return {
        "title": title,
        "slug": "",
        "lead": "Ringkasan untuk pratinjau tautan.",
        "body": "Isi berita yang diuji di dua server.",
        "status": "published",
        "published_at": "",
        "tags": "",
        "image_alt": "",
        **extra,
    }


def _created_article(response: Response) -> int:
    assert response.status == 302, response.text[:800]
    match = re.search(r"/kelola/berita/(\d+)/$", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def _png(colour: tuple[int, int, int]) -> bytes:
    from mitra.portal.demo import demo_png

    return bytes(demo_png(64, 48, colour))


def _checkins_kpi(response: Response) -> int:
    assert response.status == 200, response.status
    match = re.search(r'data-kpi="checkins"><span class="kpi-value">([\d.,]+)<', response.text)
    assert match, "no check-in figure on the dashboard"
    return int(match.group(1).replace(".", "").replace(",", ""))


def _scan(cluster: Cluster, via: Any, secret: str, nonce: str) -> dict[str, Any]:
    answer = Browser(via).request(
        "POST",
        "/api/v1/checkin/scans",
        json_body={
            "activity_id": cluster.data["activity"],
            "secret": secret,
            "nonce": nonce,
            "scanned_at": cluster.data["scanned_at"],
            "device": "pintu-1",
        },
        headers={"Authorization": f"Token {cluster.data['token']}"},
    )
    assert answer.status == 200, (answer.status, answer.text[:300])
    return dict(json.loads(answer.text))


# --- The checks -----------------------------------------------------------------------------


def test_article_views_from_many_readers_over_both_servers_are_counted_exactly(
    cluster: Cluster,
) -> None:
    path = f"/berita/{cluster.data['article_slug']}/"
    bot = Browser(cluster.nginx, user_agent=BOT)  # crawlers read the count without adding
    before = _views_shown(bot.get(path))
    routes = [cluster.nginx, cluster.nginx, cluster.a, cluster.b]

    def read(reader: int) -> list[tuple[int, str, int]]:
        browser = Browser(cluster.nginx)
        seen = []
        for n in range(VIEWS_PER_READER):
            via = routes[(reader + n) % len(routes)]
            response = browser.get(path, via=via)
            answered = response.headers.get("x-upstream", f"direct 127.0.0.1:{via.port}")
            seen.append((response.status, answered, _views_shown(response)))
        return seen

    with ThreadPoolExecutor(READERS) as pool:
        seen = [view for reader in pool.map(read, range(READERS)) for view in reader]

    assert {status for status, _a, _n in seen} == {200}
    through_nginx = Counter(answered for _s, answered, _n in seen if "direct" not in answered)
    assert set(through_nginx) == {f"127.0.0.1:{cluster.a.port}", f"127.0.0.1:{cluster.b.port}"}
    sent_to_nginx = sum(
        routes[(reader + n) % len(routes)] is cluster.nginx
        for reader in range(READERS)
        for n in range(VIEWS_PER_READER)
    )
    assert sum(through_nginx.values()) == sent_to_nginx
    after = _views_shown(bot.get(path))
    assert after - before == READERS * VIEWS_PER_READER
    assert _views_stored(cluster, cluster.data["article_id"]) == after
    # Each reader saw a count that includes its own view and none from after the burst.
    assert all(before < shown <= after for _s, _a, shown in seen)


def test_a_session_and_its_csrf_token_from_one_server_are_valid_on_the_other(
    cluster: Cluster,
) -> None:
    staff = _login(cluster, cluster.a)  # the session and the CSRF cookie come from A
    assert staff.get("/kelola/berita/", via=cluster.b).status == 200
    stranger = Browser(cluster.b)
    assert stranger.get("/kelola/berita/").status == 302  # to the login page: B checks

    title = "Sesi dari server A, formulir ke server B"
    forged = staff.request(
        "POST",
        "/kelola/berita/baru/",
        {**_article_form(title), "csrfmiddlewaretoken": "x" * 64},
        via=cluster.b,
    )
    assert forged.status == 403
    assert cluster.one("SELECT count(*) FROM portal_article WHERE title = %s", title) == 0

    pk = _created_article(staff.post("/kelola/berita/baru/", _article_form(title), via=cluster.b))
    author = cluster.one(
        "SELECT u.email FROM portal_article a JOIN accounts_user u ON u.id = a.author_id "
        "WHERE a.id = %s",
        pk,
    )
    assert author == cluster.data["staff_email"]


def test_a_write_on_one_server_drops_the_cached_pages_and_figures_the_other_serves(
    cluster: Cluster,
) -> None:
    staff = _login(cluster, cluster.nginx)
    pk = _created_article(
        staff.post("/kelola/berita/baru/", _article_form("Judul lama di cache"), via=cluster.b)
    )
    slug = cluster.one("SELECT slug FROM portal_article WHERE id = %s", pk)
    visitor = Browser(cluster.a)
    for server in (cluster.a, cluster.b):  # both servers' pages now come from the cache
        for _ in range(2):
            assert "Judul lama di cache" in visitor.get(f"/berita/{slug}/", via=server).text
            assert "Judul lama di cache" in visitor.get("/", via=server).text

    edited = staff.post(
        f"/kelola/berita/{pk}/", _article_form("Judul baru dari server B", slug=slug), via=cluster.b
    )
    assert edited.status == 302, edited.text[:500]
    for server in (cluster.a, cluster.nginx):
        article = visitor.get(f"/berita/{slug}/", via=server).text
        home = visitor.get("/", via=server).text
        assert "Judul baru dari server B" in article and "Judul lama di cache" not in article
        assert "Judul baru dari server B" in home and "Judul lama di cache" not in home

    # The dashboard's figures: cached on A, then a ticket scanned through B.
    first = _checkins_kpi(staff.get("/analitik/", via=cluster.a))
    assert _checkins_kpi(staff.get("/analitik/", via=cluster.a)) == first
    answer = _scan(cluster, cluster.b, cluster.data["secrets"][0], "multi-dashboard-0001")
    assert answer["result"] == "accepted", answer
    assert _checkins_kpi(staff.get("/analitik/", via=cluster.a)) == first + 1
    assert _checkins_kpi(staff.get("/analitik/", via=cluster.b)) == first + 1


def test_ticket_scans_retried_on_alternating_servers_are_recorded_exactly_once(
    cluster: Cluster,
) -> None:
    secrets = cluster.data["secrets"][1:]
    servers = [cluster.a, cluster.b, cluster.nginx]
    # Each scan is sent three times with the same nonce (a scanner retrying after a lost
    # answer), each time to another server, the tries of all tickets interleaved.
    tries = [
        (secret, f"multi-scan-{i:04d}", servers[(i + k) % len(servers)])
        for i, secret in enumerate(secrets)
        for k in range(3)
    ]
    random.Random(20).shuffle(tries)
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda t: _scan(cluster, t[2], t[0], t[1]), tries))

    assert {a["result"] for a in answers} == {"accepted"}
    first_answers = Counter(a["nonce"] for a in answers if not a["replay"])
    assert first_answers == Counter({f"multi-scan-{i:04d}": 1 for i in range(len(secrets))})
    rows, nonces, tickets = cluster.sql(
        "SELECT count(*), count(DISTINCT nonce), count(DISTINCT registration_id) "
        "FROM checkin_checkin WHERE activity_id = %s AND nonce LIKE 'multi-scan-%%'",
        cluster.data["activity"],
    )[0]
    assert (rows, nonces, tickets) == (len(secrets),) * 3
    refused = "SELECT count(*) FROM checkin_refusedscan WHERE nonce LIKE 'multi-scan-%%'"
    assert cluster.one(refused) == 0

    # The same ticket again under a new nonce, on the other server: refused, already used.
    again = _scan(cluster, cluster.b, secrets[0], "multi-scan-again")
    assert (again["result"], again["reason"]) == ("refused", "already_used")


def test_an_upload_and_a_report_made_by_the_worker_are_served_by_every_server(
    cluster: Cluster,
) -> None:
    staff = _login(cluster, cluster.nginx)
    image = ("poster.png", _png((20, 90, 160)), "image/png")
    pk = _created_article(
        staff.post(
            "/kelola/berita/baru/",
            _article_form("Berita bergambar", image_alt="Poster ajakan memilih"),
            via=cluster.a,
            files={"image": image},
        )
    )
    slug, stored = cluster.sql("SELECT slug, image FROM portal_article WHERE id = %s", pk)[0]
    on_disk = (cluster.media / stored).read_bytes()
    for server in (cluster.b, cluster.a, cluster.nginx):
        served = Browser(server).get(f"/berita/{slug}/gambar")
        assert served.status == 200, (server.port, served.status)
        assert served.body == on_disk

    asked = staff.post(
        "/laporan/",
        {
            "programme": str(cluster.data["programme"]),
            "election": "",
            "date_from": "",
            "date_to": "",
            "language": "id",
            "format": "xlsx",
        },
        via=cluster.b,
    )
    assert asked.status == 302, asked.text[:500]
    job = int(re.search(r"/laporan/berkas/(\d+)/", asked.headers["location"]).group(1))  # type: ignore[union-attr]
    deadline = time.monotonic() + 120
    while (
        status := cluster.one("SELECT status FROM reports_reportjob WHERE id = %s", job)
    ) != "done":
        problem = f"report {status}:\n" + cluster.worker.log()[-3000:]
        assert status != "failed" and time.monotonic() < deadline, problem
        time.sleep(0.3)
    download = staff.get(f"/laporan/berkas/{job}/unduh/", via=cluster.a)
    assert download.status == 200
    assert download.body[:2] == b"PK"  # an XLSX is a zip
    stored = cluster.one("SELECT file FROM reports_reportjob WHERE id = %s", job)
    assert (
        hashlib.sha256(download.body).digest()
        == hashlib.sha256((cluster.media / stored).read_bytes()).digest()
    )
    # Made by the worker process, not inside the server that took the request.
    assert re.search(r"Task reports\.build\[[^\]]+\] succeeded", cluster.worker.log())
