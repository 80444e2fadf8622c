"""The public article page under load, and the exact view count after the run.

Every request carries a browser User-Agent, so each one must add exactly one view; the
Lua script counts what wrk sent (in-flight requests included) and `verify` compares it
with the count the site shows (the article's tally rows in PostgreSQL).
"""

from __future__ import annotations

import re
import time

from bench.harness import BenchEnv, Scenario, WrkResult

BROWSER_UA = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36"
)


def _total(article_id: int) -> int:
    from mitra.portal.services import article_view_total

    return article_view_total(article_id=article_id)


def _settled_total(article_id: int, *, quiet_seconds: float = 2.0, limit: float = 20.0) -> int:
    """The count once it stops moving: requests still queued in the server (from the
    warm-up, or in flight when wrk stopped) are counted before we compare."""
    started = time.monotonic()
    last = _total(article_id)
    while time.monotonic() - started < limit:
        time.sleep(quiet_seconds)
        now = _total(article_id)
        if now == last:
            return now
        last = now
    return last


def setup(env: BenchEnv) -> None:
    from mitra.portal.models import Article
    from mitra.portal.selectors import article_head

    slugs = Article.objects.visible().order_by("-published_at").values_list("slug", flat=True)
    head = next(h for h in (article_head(slug=s) for s in slugs[:50]) if h is not None)
    slug = Article.objects.values_list("slug", flat=True).get(pk=head.id)
    env.state["portal"] = {"id": head.id, "slug": slug, "before": _settled_total(head.id)}


def verify(env: BenchEnv, result: WrkResult) -> str:
    match = re.search(r"portal-sent: (\d+)", result.raw)
    assert match, "the Lua script did not report the requests sent"
    sent = int(match.group(1))
    completed = result.requests
    state = env.state["portal"]
    counted = _settled_total(state["id"]) - state["before"]
    # wrk stops with up to one request per connection in flight: those were sent (and
    # maybe served) but not completed, so the exact figure lies between the two.
    assert completed <= counted <= sent, (
        f"views counted {counted} outside [completed {completed}, sent {sent}]"
    )
    assert result.p99_ms < 100, f"p99 {result.p99_ms:.0f} ms ≥ 100 ms"
    in_flight = sent - completed
    return (
        f"views {counted}: completed {completed} + {counted - completed} of {in_flight} in flight"
    )


def activity_setup(env: BenchEnv) -> None:
    """The public page of the demo office's next public activity (the one a citizen opens
    from the agenda to register)."""
    if "public-activity" in env.state:
        return
    from django.utils import timezone

    from mitra.activities.models import Activity
    from mitra.offices.selectors import public_office
    from mitra.portal.selectors import public_activity

    office = public_office()
    assert office is not None, "no public office: build the demo first"
    candidates = Activity.objects.filter(office=office, is_public=True).order_by("starts_at")
    upcoming = candidates.filter(starts_at__gte=timezone.now()).values_list("pk", flat=True)
    for pk in [*upcoming[:50], *candidates.values_list("pk", flat=True)[:50]]:
        if public_activity(office=office, pk=pk) is not None:
            env.state["public-activity"] = {"pk": pk}
            return
    raise AssertionError("no public activity in the demo")


SCENARIOS = [
    Scenario(
        name="public activity page",
        path=lambda env: f"/agenda/{env.state['public-activity']['pk']}/",
        setup=activity_setup,
        headers={"User-Agent": BROWSER_UA},
        target="≥ 60 % of /healthz; ≥ 10× pretix's event page (BENCH_PRETIX=1)",
        min_ratio=0.60,
    ),
    Scenario(
        name="article page (counted views)",
        path=lambda env: f"/berita/{env.state['portal']['slug']}/",
        setup=setup,
        headers={"User-Agent": BROWSER_UA},
        lua="bench/scenarios/portal_count.lua",
        verify=verify,
        target="≥ 50 % of /healthz, p99 < 100 ms, count exact",
    ),
]
