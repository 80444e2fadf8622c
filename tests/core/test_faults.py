"""A failing data centre, for real: the demo on a PostgreSQL cluster of this module's own
(initdb on a spare port), served by gunicorn with the production settings; PostgreSQL is
crashed by PID (immediate shutdown) while people post forms and read articles.

Runs once in CI, in the PostgreSQL pass (the module builds its own database either way; the
SQLite pass skips it to keep CI short).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.processes import (
    AppServer,
    Browser,
    PostgresServer,
    app_environment,
    manage,
    postgres_server,
)

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="the fault tests run in the PostgreSQL pass of the suite",
)

BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
NOTHING_SAVED = "Tidak ada yang Anda kirim yang tersimpan."


@dataclass
class Stack:
    pg: PostgresServer
    app: AppServer
    env: dict[str, str]
    media: Path
    data: dict[str, Any]

    def sql(self, query: str, database: str = "mitra") -> str:
        return self.pg.psql(query, database=database)

    def restart_database(self) -> None:
        self.pg.start()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    media = tmp_path_factory.mktemp("media")
    with postgres_server() as pg:
        pg.psql("CREATE DATABASE mitra")
        env = app_environment(database_url=pg.url("mitra"), media_root=media)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_regions", "--within", "32.73")
        manage(env, "demo")
        out = manage(env, "shell", "-c", "from tests.core.fault_data import build; build()")
        data = json.loads(out.strip().splitlines()[-1])
        with AppServer(env) as app:
            yield Stack(pg=pg, app=app, env=env, media=media, data=data)


def _csrf_ready(browser: Browser, path: str) -> None:
    page = browser.get(path)
    assert page.status == 200, (path, page.status)
    assert browser.csrf_token(), "no CSRF cookie"


def _login(browser: Browser, email: str) -> None:
    _csrf_ready(browser, "/akun/masuk/")
    response = browser.post("/akun/masuk/", {"username": email, "password": "MitraDemo2024!"})
    assert response.status == 302, response.text[:500]


def _assert_outage_page(response: Any) -> None:
    assert response.status == 503, (response.status, response.text[:300])
    assert response.headers.get("retry-after") == "30"
    assert NOTHING_SAVED in response.text
    assert 'lang="id"' in response.text


def test_forms_posted_while_postgresql_is_down_answer_503_and_save_nothing(stack: Stack) -> None:
    data = stack.data
    register, checkin = f"/hadir/{data['reg_token']}/daftar/", f"/hadir/{data['self_token']}/"
    confirm = f"/mitra/impor/{data['batch']}/simpan/"
    visitor, attendee, staff = Browser(stack.app), Browser(stack.app), Browser(stack.app)
    _csrf_ready(visitor, register)
    _csrf_ready(attendee, checkin)
    _login(staff, "staf@demo.mitra.id")
    partners_before = stack.sql("SELECT count(*) FROM partners_partner")
    registrations_before = stack.sql("SELECT count(*) FROM checkin_registration")
    checkins_before = stack.sql("SELECT count(*) FROM checkin_checkin")
    registration = {"name": "Sari Gangguan", "consent": "on"}
    self_checkin = {
        "age_band": "17-21", "gender": "f", "kelurahan": "luar", "first_time_voter": "1",
        "pledge": "on", "consent": "on", "sensitive_consent": "on", "nonce": "f" * 32,
    }  # fmt: skip

    stack.pg.crash()
    try:
        _assert_outage_page(visitor.post(register, registration))
        _assert_outage_page(attendee.post(checkin, self_checkin))
        _assert_outage_page(staff.post(confirm, {}))
        _assert_outage_page(visitor.get("/"))  # pages too: a page, not a bare 500
    finally:
        stack.restart_database()

    assert stack.sql("SELECT count(*) FROM partners_partner") == partners_before
    assert stack.sql("SELECT count(*) FROM checkin_registration") == registrations_before
    assert stack.sql("SELECT count(*) FROM checkin_checkin") == checkins_before
    # The same posts, sent again once the database is back, go through.
    assert visitor.post(register, registration).status == 302
    assert "kehadiran Anda tercatat" in attendee.post(checkin, self_checkin).text
    assert staff.post(confirm, {}).status == 302
    assert int(stack.sql("SELECT count(*) FROM partners_partner")) == int(partners_before) + int(
        data["batch_new"]
    )


def _shown_views(browser: Browser, slug: str) -> int:
    response = browser.get(f"/berita/{slug}/")
    assert response.status == 200, response.status
    match = re.search(r"Dilihat ([\d.]+) kali", response.text)
    assert match
    return int(match.group(1).replace(".", ""))


def test_postgresql_crash_mid_burst_each_post_and_view_is_saved_or_refused_never_500(
    stack: Stack,
) -> None:
    data = stack.data
    register = f"/hadir/{data['reg_token']}/daftar/"
    article = f"/berita/{data['article_slug']}/"
    bot = Browser(stack.app, user_agent=BOT)
    views_before = _shown_views(bot, data["article_slug"])
    posts: list[tuple[str, int]] = []
    views: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    posters = [Browser(stack.app) for _ in range(2)]
    for browser in posters:  # before the crash: the form page needs the database
        _csrf_ready(browser, register)

    def post_registrations(worker: int) -> None:
        try:
            browser = posters[worker]
            # Every post comes from 127.0.0.1: with the two of the test above, the 2 × 4 stay
            # within the per-address limits (30 a minute, 10 a day per activity), which hold
            # in whichever worker a post lands; spaced so the burst spans the crash.
            for n in range(4):
                name = f"Burst {worker}-{n}"
                response = browser.post(register, {"name": name, "consent": "on"})
                posts.append((name, response.status))
                time.sleep(0.25)
        except BaseException as exc:
            errors.append(exc)

    def read_article() -> None:
        try:
            browser = Browser(stack.app)
            while not stop.is_set():
                views.append(browser.get(article).status)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=post_registrations, args=(w,)) for w in range(2)]
    threads += [threading.Thread(target=read_article) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(0.4)
    stack.pg.crash()
    time.sleep(1.0)
    stack.restart_database()
    for thread in threads[:2]:
        thread.join(timeout=120)
    time.sleep(0.5)
    stop.set()
    for thread in threads[2:]:
        thread.join(timeout=60)

    assert not errors, errors
    assert {status for _name, status in posts} <= {302, 503}
    assert set(views) <= {200, 503}
    assert 503 in {status for _name, status in posts} | set(views), "the crash hit no request"
    saved = set(
        stack.sql(
            f"SELECT name FROM checkin_registration WHERE activity_id = {data['reg_activity']} "  # noqa: S608
            "AND name LIKE 'Burst %'"
        ).splitlines()
    )
    assert saved == {name for name, status in posts if status == 302}
    # Every article page served counted exactly one view; every 503 counted none.
    assert _shown_views(bot, data["article_slug"]) - views_before == views.count(200)


def _figures(app: AppServer, slugs: list[str], image_slug: str) -> dict[str, Any]:
    """What the site shows: public summary figures, view counts, an uploaded image."""
    import hashlib

    bot = Browser(app, user_agent=BOT)
    summary = bot.get("/api/v1/analytics/summary")
    assert summary.status == 200, summary.status
    image = bot.get(f"/berita/{image_slug}/gambar")
    assert image.status == 200, image.status
    return {
        "summary": json.loads(summary.text),
        "views": {slug: _shown_views(bot, slug) for slug in slugs},
        "image": hashlib.sha256(image.body).hexdigest(),
    }


def test_backup_then_restore_into_a_new_database_shows_the_same_figures(
    stack: Stack, tmp_path: Path
) -> None:
    slugs = stack.sql(
        "SELECT slug FROM portal_article WHERE status = 'published' ORDER BY id LIMIT 5"
    ).splitlines()
    image_slug = stack.sql(
        "SELECT slug FROM portal_article WHERE status = 'published' AND image <> '' LIMIT 1"
    )
    assert slugs and image_slug, "the demo has published articles with images"
    reader = Browser(stack.app)
    for slug in slugs:  # views shown just before the backup must be in it
        reader.get(f"/berita/{slug}/")
    before = _figures(stack.app, slugs, image_slug)

    out = manage(stack.env, "backup", str(tmp_path / "backups"))
    assert "uploaded files" in out
    (folder,) = (tmp_path / "backups").iterdir()
    assert {p.name for p in folder.iterdir()} == {"database.dump", "media.tar.gz", "manifest.json"}
    assert stack.env["SECRET_KEY"] not in (folder / "manifest.json").read_text()

    env = app_environment(
        database_url=stack.pg.url("mitra_restored"), media_root=tmp_path / "media-restored"
    )
    other_key = {**env, "SECRET_KEY": "another-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"}
    with pytest.raises(RuntimeError, match="SECRET_KEY differs"):
        manage(other_key, "restore", str(folder), "--create")
    assert stack.sql("SELECT count(*) FROM pg_database WHERE datname = 'mitra_restored'") == "0"

    out = manage(env, "restore", str(folder), "--create")
    assert "Restored and verified" in out
    with AppServer(env) as restored:
        assert _figures(restored, slugs, image_slug) == before
