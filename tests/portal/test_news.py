"""News: listing, visibility, sanitising, OpenGraph, feeds, sitemap, robots, page weight."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.utils import timezone

from mitra.portal.models import ArticleStatus
from mitra.portal.services import markdown_render

from .factories import ArticleFactory, TagFactory, stored_png

pytestmark = pytest.mark.django_db


def test_list_is_newest_first_paginated_and_searchable(client, office):
    now = timezone.now()
    for i in range(12):
        ArticleFactory(
            office=office, title=f"Kabar {i}", published_at=now - datetime.timedelta(days=i + 1)
        )
    ArticleFactory(office=office, title="Simulasi pencoblosan", body="di sekolah")
    first = client.get("/berita/").content.decode()
    assert first.index("Simulasi pencoblosan") < first.index("Kabar 0") < first.index("Kabar 8")
    assert "Kabar 10" not in first
    assert "Kabar 11" in client.get("/berita/?halaman=2").content.decode()
    found = client.get("/berita/", {"q": "pencoblosan"}).content.decode()
    assert "Simulasi pencoblosan" in found and "Kabar 3" not in found


def test_tag_filter(client, office):
    tag = TagFactory(office=office, slug="tahapan", name="Tahapan")
    ArticleFactory(office=office, title="Bertanda").tags.add(tag)
    ArticleFactory(office=office, title="Tanpa tanda")
    html = client.get("/berita/?label=tahapan").content.decode()
    assert "Bertanda" in html and "Tanpa tanda" not in html


def test_drafts_and_future_scheduled_articles_are_hidden_until_time(client, office):
    draft = ArticleFactory(office=office, status=ArticleStatus.DRAFT)
    later = timezone.now() + datetime.timedelta(hours=2)
    scheduled = ArticleFactory(office=office, status=ArticleStatus.SCHEDULED, published_at=later)
    assert client.get(f"/berita/{draft.slug}/").status_code == 404
    assert client.get(f"/berita/{scheduled.slug}/").status_code == 404
    assert scheduled.title not in client.get("/berita/").content.decode()
    with time_machine.travel(later + datetime.timedelta(minutes=1)):
        assert client.get(f"/berita/{scheduled.slug}/").status_code == 200
        assert scheduled.title in client.get("/berita/").content.decode()


def test_staff_can_preview_a_draft(client, office, staff_member):
    draft = ArticleFactory(office=office, status=ArticleStatus.DRAFT, title="Draf rahasia")
    client.force_login(staff_member.user)
    response = client.get(f"/berita/{draft.slug}/")
    assert response.status_code == 200
    assert "Pratinjau staf" in response.content.decode()


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[klik](javascript:alert(1))",
        '<a href="javascript:alert(1)">klik</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="x" onclick="alert(1)">teks</p>',
        "<svg onload=alert(1)>",
    ],
)
def test_markdown_is_sanitised(source):
    html = markdown_render(text=f"Awal\n\n{source}\n\nAkhir").lower()
    assert "<script" not in html
    assert "onerror" not in html and "onclick" not in html and "onload" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html and "<svg" not in html and "style=" not in html


def test_markdown_keeps_formatting_and_makes_links_safe():
    html = markdown_render(text="# Judul\n\n**tebal** [KPU](https://kpu.go.id)\n\n- a\n- b")
    assert "<h2>Judul</h2>" in html and "<strong>tebal</strong>" in html and "<li>a</li>" in html
    assert 'href="https://kpu.go.id"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_article_page_has_opengraph_twitter_canonical_and_share_links(client, office, settings):
    settings.SITE_URL = "https://mitra.example.org"
    article = ArticleFactory(
        office=office,
        title="Ayo ke TPS",
        lead="Bawa KTP-el.",
        image=stored_png(),
        image_alt="Spanduk",
    )
    html = client.get(f"/berita/{article.slug}/").content.decode()
    url = f"https://mitra.example.org/berita/{article.slug}/"

    def meta(prop: str) -> str:
        match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
        assert match, prop
        return match.group(1)

    assert meta("og:title") == "Ayo ke TPS"
    assert meta("og:description") == "Bawa KTP-el."
    assert meta("og:url") == url
    assert meta("og:type") == "article"
    assert meta("og:image") == f"https://mitra.example.org/berita/{article.slug}/gambar"
    assert meta("twitter:card") == "summary_large_image"
    assert meta("twitter:title") == "Ayo ke TPS"
    assert meta("description") == "Bawa KTP-el."
    assert f'<link rel="canonical" href="{url}">' in html
    assert "<title>Ayo ke TPS · Mitra Pemilu</title>" in html
    assert "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fmitra.example.org" in html
    assert "https://x.com/intent/tweet?url=https%3A%2F%2Fmitra.example.org" in html
    assert "https://wa.me/?text=Ayo+ke+TPS+https%3A%2F%2Fmitra.example.org" in html
    # No third-party scripts on the page.
    for src in re.findall(r'<script[^>]*src="([^"]+)"', html):
        assert src.startswith("/static/")


def test_article_image_is_served_only_for_visible_articles(client, office):
    visible = ArticleFactory(office=office, image=stored_png())
    draft = ArticleFactory(office=office, image=stored_png(), status=ArticleStatus.DRAFT)
    response = client.get(f"/berita/{visible.slug}/gambar")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(f"/berita/{draft.slug}/gambar").status_code == 404


def test_rss_and_atom_feeds_are_valid_xml(client, office):
    ArticleFactory(office=office, title="Berita & <pengumuman>")
    ArticleFactory(office=office, status=ArticleStatus.DRAFT, title="Draf")
    rss = client.get("/berita/rss.xml")
    assert rss["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(rss.content)  # noqa: S314 — our own response
    assert root.tag == "rss"
    titles = [e.text for e in root.iter("item") for e in e.iter("title")]
    assert titles == ["Berita & <pengumuman>"]
    atom = ET.fromstring(client.get("/berita/atom.xml").content)  # noqa: S314 — our own response
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.text for e in atom.findall("a:entry/a:title", ns)] == ["Berita & <pengumuman>"]


def test_sitemap_lists_public_pages_and_published_articles(client, office):
    visible = ArticleFactory(office=office)
    draft = ArticleFactory(office=office, status=ArticleStatus.DRAFT)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 — our own response
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(loc.endswith(f"/berita/{visible.slug}/") for loc in locs)
    assert not any(draft.slug in loc for loc in locs)
    assert any(loc.endswith("/agenda/") for loc in locs)


def test_robots_txt_points_to_sitemap(client, settings):
    settings.SITE_URL = "https://mitra.example.org"
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://mitra.example.org/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def _page_weight(client, path: str) -> int:
    """HTML plus the CSS and JS it links to (same-origin static files), before images."""
    html = client.get(path).content
    total = len(html)
    for asset in re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
        found = finders.find(asset.decode())
        assert found, asset
        with open(found, "rb") as fh:
            total += len(fh.read())
    return total


def test_home_and_article_weigh_under_200_kb_before_images(client, office, programme):
    article = ArticleFactory(office=office, body="Paragraf panjang. " * 400)
    for path in ("/", f"/berita/{article.slug}/"):
        weight = _page_weight(client, path)
        assert weight < 200 * 1024, (path, weight)


def test_pages_have_titles_descriptions_and_canonical_links(client, office, programme):
    for path in (
        "/",
        "/berita/",
        "/tahapan/",
        "/cara-memilih/",
        "/direktori-mitra/",
        "/agenda/",
        "/materi/",
    ):
        html = client.get(path).content.decode()
        assert re.search(r"<title>[^<]+ · Mitra Pemilu</title>", html), path
        assert re.search(r'<meta name="description" content="[^"]{20,}">', html), path
        assert '<link rel="canonical" href="http' in html, path
