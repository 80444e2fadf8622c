"""The home page is cached for anonymous visitors; changes show at once, tokens stay per request."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from mitra.portal.home import home_cache_clear
from mitra.portal.models import Article, ArticleStatus
from tests.portal.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_new_published_article_shows_on_the_home_page_at_once(client, office, programme):
    ArticleFactory(office=office, title="Berita pertama")
    first = client.get("/").content.decode()
    assert "Berita pertama" in first
    assert client.get("/").content.decode().count("Berita pertama") == first.count(
        "Berita pertama"
    )  # served from the cache
    ArticleFactory(office=office, title="Berita baru sekali")
    assert "Berita baru sekali" in client.get("/").content.decode()
    Article.objects.filter(title="Berita baru sekali").update(status=ArticleStatus.DRAFT)
    home_cache_clear()  # bulk updates send no signal: they show within HOME_CACHE_SECONDS
    assert "Berita baru sekali" not in client.get("/").content.decode()


def test_cached_home_page_has_each_visitors_own_csrf_token(office, programme):
    pages = []
    for _ in range(2):
        visitor = Client()
        html = visitor.get("/").content.decode()
        token = visitor.cookies["csrftoken"].value
        assert "PLACEHOLDER" not in html
        pages.append((html, token))
    (html_a, token_a), (html_b, token_b) = pages
    assert token_a != token_b
    assert html_a != html_b  # same page, each with its own masked token


def test_countdown_changes_at_midnight_even_when_cached(client, office, programme):
    day = programme.voting_day - datetime.timedelta(days=3)
    tz = timezone.get_current_timezone()
    before = datetime.datetime.combine(day, datetime.time(23, 59, 50), tzinfo=tz)
    with time_machine.travel(before, tick=False):
        assert "3</strong>" in client.get("/").content.decode()
    with time_machine.travel(before + datetime.timedelta(seconds=20), tick=False):
        assert "2</strong>" in client.get("/").content.decode()
