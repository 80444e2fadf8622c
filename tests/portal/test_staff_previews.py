"""Staff previews of unpublished articles, and where article form errors are shown."""

from __future__ import annotations

import pytest

from mitra.portal.models import ArticleStatus
from tests.conftest import login

from .factories import ArticleFactory, TagFactory, stored_png

pytestmark = pytest.mark.django_db


def test_staff_preview_of_a_draft_shows_its_image_privately(client, staff_member):
    draft = ArticleFactory(
        office=staff_member.office, image=stored_png(), status=ArticleStatus.DRAFT
    )
    url = f"/berita/{draft.slug}/gambar"
    assert client.get(url).status_code == 404  # not for visitors
    login(client, staff_member)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "public" not in cache_control


def test_published_image_stays_publicly_cacheable_for_staff(client, staff_member):
    article = ArticleFactory(office=staff_member.office, image=stored_png())
    login(client, staff_member)
    response = client.get(f"/berita/{article.slug}/gambar")
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=3600" in cache_control
    assert "private" not in cache_control


def test_observer_gets_no_draft_image(client, observer_member):
    draft = ArticleFactory(
        office=observer_member.office, image=stored_png(), status=ArticleStatus.DRAFT
    )
    login(client, observer_member)
    assert client.get(f"/berita/{draft.slug}/gambar").status_code == 404


def test_taken_slug_is_shown_on_the_slug_field(client, staff_member):
    ArticleFactory(office=staff_member.office, slug="sudah-ada")
    login(client, staff_member)
    response = client.post(
        "/kelola/berita/baru/",
        {
            "title": "Judul",
            "slug": "sudah-ada",
            "lead": "Ringkasan.",
            "body": "Isi.",
            "tags": "",
            "status": "draft",
            "published_at": "",
            "action": "save",
        },
    )
    form = response.context["form"]
    assert form.errors["slug"] and not form.non_field_errors()


def test_article_page_shows_tags_and_list_reads_none(client, office, django_assert_max_num_queries):
    article = ArticleFactory(office=office, title="Bertanda")
    article.tags.add(TagFactory(office=office, name="Tahapan", slug="tahapan"))
    assert "Tahapan" in client.get(f"/berita/{article.slug}/").content.decode()
    assert "Tahapan" in client.get("/berita/rss.xml").content.decode()
    with django_assert_max_num_queries(10) as captured:
        client.get("/berita/")
    assert not any("portal_tag" in q["sql"] for q in captured.captured_queries)
