"""Exact view counting: one view per browser load, none for bots, nothing lost under load."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from mitra.portal import services
from mitra.portal.models import Article, article_cache_key
from mitra.portal.selectors import office_article

from .factories import ArticleFactory

BROWSER = (
    "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36"
)
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "WhatsApp/2.23.20.0 A",
    "Twitterbot/1.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "TelegramBot (like TwitterBot)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "SomeCrawler/3.1",
    "example-spider/0.1",
]


def shown_count(html: str) -> int:
    match = re.search(r"Dilihat ([\d.]+) kali", html)
    assert match, "view count not shown"
    return int(match.group(1).replace(".", ""))


def total_views(article: Article) -> int:
    """Base count plus the tally shards (what the page shows)."""
    return services.article_view_total(article_id=article.pk)


@pytest.mark.django_db
def test_each_browser_load_adds_exactly_one_view_even_from_one_address(client, office):
    article = ArticleFactory(office=office)
    url = f"/berita/{article.slug}/"
    shown = [
        shown_count(client.get(url, HTTP_USER_AGENT=BROWSER).content.decode()) for _ in range(5)
    ]
    assert shown == [1, 2, 3, 4, 5]
    assert total_views(article) == 5


@pytest.mark.django_db
@pytest.mark.parametrize("user_agent", BOTS)
def test_crawlers_and_link_previews_add_nothing(client, office, user_agent):
    article = ArticleFactory(office=office)
    response = client.get(f"/berita/{article.slug}/", HTTP_USER_AGENT=user_agent)
    assert response.status_code == 200
    assert shown_count(response.content.decode()) == 0
    assert total_views(article) == 0


@pytest.mark.django_db
def test_head_requests_and_prefetches_add_nothing(client, office):
    article = ArticleFactory(office=office)
    url = f"/berita/{article.slug}/"
    assert client.head(url, HTTP_USER_AGENT=BROWSER).status_code == 200
    client.get(url, HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch")
    assert total_views(article) == 0


@pytest.mark.django_db
def test_page_is_cached_per_language_but_never_by_browsers(client, office):
    article = ArticleFactory(office=office)
    url = f"/berita/{article.slug}/"
    first = client.get(url, HTTP_USER_AGENT=BROWSER)
    assert "no-store" in first["Cache-Control"] and "max-age=0" in first["Cache-Control"]
    client.cookies["django_language"] = "en"
    client.get(url, HTTP_USER_AGENT=BROWSER)
    assert cache.get(article_cache_key(office.pk, article.slug, "id")) is not None
    assert cache.get(article_cache_key(office.pk, article.slug, "en")) is not None
    assert total_views(article) == 2


@pytest.mark.django_db
def test_cached_page_carries_each_visitors_own_csrf_token(office):
    article = ArticleFactory(office=office)
    url = f"/berita/{article.slug}/"
    Client().get(url)  # fills the cache with another visitor's page
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(url).content.decode()
    assert "PLACEHOLDER" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": url, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_editing_or_unpublishing_an_article_refreshes_the_cached_page(client, office):
    article = ArticleFactory(office=office, title="Judul lama")
    url = f"/berita/{article.slug}/"
    assert "Judul lama" in client.get(url).content.decode()
    article.title = "Judul baru"
    article.save()
    assert "Judul baru" in client.get(url).content.decode()
    article.status = "draft"
    article.save()
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_staff_pages_show_the_same_total_as_the_public_page(client, office, admin_member):
    article = ArticleFactory(office=office)
    Article.objects.filter(pk=article.pk).update(view_count=40)  # counted before the tallies
    url = f"/berita/{article.slug}/"
    for _ in range(3):
        shown = shown_count(Client().get(url, HTTP_USER_AGENT=BROWSER).content.decode())
    assert shown == 43
    assert office_article(membership=admin_member, pk=article.pk).views_total == 43
    client.force_login(admin_member.user)
    assert "dilihat 43 kali" in client.get(f"/kelola/berita/{article.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_are_counted_exactly(office):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    article = ArticleFactory(office=office)
    url = f"/berita/{article.slug}/"
    threads_n, per_thread = 8, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n)

    def worker() -> None:
        from django.db import connections

        try:
            client = Client()
            barrier.wait()
            for _ in range(per_thread):
                assert client.get(url, HTTP_USER_AGENT=BROWSER).status_code == 200
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert total_views(article) == threads_n * per_thread
    assert article.view_tallies.count() > 1  # parallel views spread over several rows


@pytest.mark.django_db(transaction=True)
def test_redis_killed_and_restarted_during_a_burst_loses_no_view_and_never_counts_back(
    redis_server, office
):
    """Redis (the page cache) dies twice mid-burst; every load is counted once and each
    reader sees a count that only goes up."""
    article = ArticleFactory(office=office)
    url = f"/berita/{article.slug}/"
    loads_n, readers_n = 60, 3
    shown: dict[int, list[int]] = {n: [] for n in range(readers_n)}
    errors: list[BaseException] = []

    def reader(n: int) -> None:
        from django.db import connections

        try:
            client = Client()
            for _ in range(loads_n):
                response = client.get(url, HTTP_USER_AGENT=BROWSER)
                assert response.status_code == 200
                shown[n].append(shown_count(response.content.decode()))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(readers_n)]
    for thread in threads:
        thread.start()
    for _ in range(2):
        time.sleep(0.3)
        redis_server.kill()
        time.sleep(0.3)
        redis_server.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    for counts in shown.values():
        assert counts == sorted(counts), "a reader saw the count go back"
    assert total_views(article) == loads_n * readers_n
