"""Staff write news on their own pages (scoped by office), not in the Django admin."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mitra.core.errors import NotFoundError, PermissionDeniedError
from mitra.portal.demo import demo_pdf, demo_png
from mitra.portal.models import Article, ArticleStatus
from mitra.portal.services import article_save
from tests.conftest import login
from tests.factories import MembershipFactory, OfficeFactory

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

NEW = "/kelola/berita/baru/"


def _data(**extra):
    data = {
        "title": "Simulasi pencoblosan di Cibiru",
        "slug": "",
        "lead": "Warga mencoba tata cara memilih.",
        "body": (
            "Paragraf **penting**.\n\n<script>alert('x')</script>\n\n[klik](javascript:alert(1))"
        ),
        "image_alt": "",
        "tags": "Simulasi, TPS, simulasi",
        "status": "published",
        "published_at": "",
        "action": "save",
    }
    data.update(extra)
    return data


@pytest.fixture
def public_office(settings, office):
    settings.MITRA_PUBLIC_OFFICE = office.slug
    return office


def test_staff_creates_a_published_article_visible_on_the_public_list(
    client, staff_member, public_office
):
    login(client, staff_member)
    response = client.post(NEW, _data())
    assert response.status_code == 302
    article = Article.objects.get()
    assert response["Location"] == f"/kelola/berita/{article.pk}/"
    assert article.office == staff_member.office and article.author == staff_member.user
    assert article.slug == "simulasi-pencoblosan-di-cibiru"
    assert article.status == ArticleStatus.PUBLISHED
    assert sorted(t.name for t in article.tags.all()) == ["Simulasi", "TPS"]
    client.logout()
    assert "Simulasi pencoblosan di Cibiru" in client.get("/berita/").content.decode()
    page = client.get(f"/berita/{article.slug}/").content.decode()
    assert "<strong>penting</strong>" in page
    assert "<script>alert" not in page and "javascript:alert" not in page


def test_draft_and_future_articles_stay_off_the_public_list(client, staff_member, public_office):
    login(client, staff_member)
    client.post(NEW, _data(title="Masih draf", status="draft"))
    later = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(NEW, _data(title="Nanti terbit", published_at=later))
    assert Article.objects.get(title="Nanti terbit").status == ArticleStatus.SCHEDULED
    assert Article.objects.get(title="Masih draf").status == ArticleStatus.DRAFT
    listing = client.get("/kelola/berita/").content.decode()
    assert "Masih draf" in listing and "Nanti terbit" in listing
    client.logout()
    public = client.get("/berita/").content.decode()
    assert "Masih draf" not in public and "Nanti terbit" not in public


def test_edit_changes_the_article_and_preview_saves_nothing(client, staff_member, public_office):
    article = ArticleFactory(office=staff_member.office, title="Judul lama", body="Lama")
    login(client, staff_member)
    url = f"/kelola/berita/{article.pk}/"
    page = client.get(url).content.decode()
    assert "Judul lama" in page and "data-preview" in page  # the saved body, rendered
    preview = client.post(url, _data(title="Judul baru", slug=article.slug, action="preview"))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "<strong>penting</strong>" in html and "<script>alert" not in html
    article.refresh_from_db()
    assert article.title == "Judul lama"
    client.post(url, _data(title="Judul baru", slug=article.slug, status="draft"))
    article.refresh_from_db()
    assert (article.title, article.status) == ("Judul baru", ArticleStatus.DRAFT)
    client.logout()
    assert client.get(f"/berita/{article.slug}/").status_code == 404  # unpublished at once


def test_image_must_be_an_image(client, staff_member, public_office):
    login(client, staff_member)
    pdf = SimpleUploadedFile("poster.pdf", demo_pdf("Poster"), content_type="application/pdf")
    refused = client.post(NEW, {**_data(image_alt="Poster"), "image": pdf})
    assert refused.status_code == 200 and Article.objects.count() == 0
    png = SimpleUploadedFile("foto.png", demo_png(40, 20, (10, 80, 160)), content_type="image/png")
    ok = client.post(NEW, {**_data(image_alt="Warga di TPS"), "image": png})
    assert ok.status_code == 302
    article = Article.objects.get()
    assert article.image.name.startswith("portal/articles/")
    assert client.get(f"/berita/{article.slug}/gambar")["Content-Type"] == "image/png"


def test_taken_slug_is_refused_with_a_message(client, staff_member):
    ArticleFactory(office=staff_member.office, slug="sudah-ada")
    login(client, staff_member)
    response = client.post(NEW, _data(slug="sudah-ada"))
    assert response.status_code == 200 and "sudah dipakai" in response.content.decode()
    assert Article.objects.count() == 1
    # an empty slug made from a taken title gets a suffix
    ArticleFactory(office=staff_member.office, slug="simulasi-pencoblosan-di-cibiru")
    client.post(NEW, _data())
    assert Article.objects.filter(slug="simulasi-pencoblosan-di-cibiru-2").exists()


@pytest.mark.parametrize("role", ["coordinator", "observer"])
def test_coordinators_and_observers_are_refused(client, role, partner):
    member = MembershipFactory(
        office=partner.office, role=role, partner=partner if role == "coordinator" else None
    )
    article = ArticleFactory(office=partner.office, title="Asli")
    login(client, member)
    assert client.get("/kelola/berita/").status_code == 403
    for url in (NEW, f"/kelola/berita/{article.pk}/"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, _data()).status_code == 403, url
    article.refresh_from_db()
    assert article.title == "Asli" and Article.objects.count() == 1
    with pytest.raises(PermissionDeniedError):
        article_save(membership=member, title="x", lead="x", body="x", status="draft")


def test_anonymous_is_sent_to_login(client, office):
    article = ArticleFactory(office=office)
    for url in ("/kelola/berita/", NEW, f"/kelola/berita/{article.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/" in response["Location"], url
    assert client.post(NEW, _data()).status_code == 302
    assert Article.objects.count() == 1


def test_other_offices_article_is_404_and_not_listed(client, staff_member):
    other = ArticleFactory(office=OfficeFactory(), title="Berita kantor lain")
    mine = ArticleFactory(office=staff_member.office, title="Berita kantor sendiri")
    login(client, staff_member)
    listing = client.get("/kelola/berita/").content.decode()
    assert "Berita kantor sendiri" in listing and "Berita kantor lain" not in listing
    assert client.get(f"/kelola/berita/{other.pk}/").status_code == 404
    assert client.post(f"/kelola/berita/{other.pk}/", _data()).status_code == 404
    with pytest.raises(NotFoundError):
        article_save(
            membership=staff_member,
            article_id=other.pk,
            title="x",
            lead="x",
            body="x",
            status="draft",
        )
    other.refresh_from_db()
    assert other.title == "Berita kantor lain"
    assert client.get(f"/kelola/berita/{mine.pk}/").status_code == 200
