"""Factories for the public site's records."""

from __future__ import annotations

import datetime

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from factory.django import DjangoModelFactory

from mitra.activities.models import Activity, ActivityStatus, Method
from mitra.core.uploads import random_name
from mitra.portal.demo import demo_pdf, demo_png
from mitra.portal.models import Article, ArticleStatus, Material, MaterialVersion, Tag
from tests.factories import OfficeFactory, ThemeFactory


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag

    office = factory.SubFactory(OfficeFactory)
    slug = factory.Sequence(lambda n: f"label-{n}")
    name = factory.Sequence(lambda n: f"Label {n}")


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article

    office = factory.SubFactory(OfficeFactory)
    slug = factory.Sequence(lambda n: f"berita-uji-{n}")
    title = factory.Sequence(lambda n: f"Berita uji {n}")
    lead = "Ringkasan berita uji untuk pratinjau tautan."
    body = "Paragraf pertama.\n\n## Subjudul\n\n- satu\n- dua"
    status = ArticleStatus.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))


def stored_png() -> str:
    return default_storage.save(
        random_name("portal/articles", "png"), ContentFile(demo_png(40, 21, (139, 26, 26)))
    )


class MaterialFactory(DjangoModelFactory):
    class Meta:
        model = Material

    office = factory.SubFactory(OfficeFactory)
    theme = factory.SubFactory(ThemeFactory)
    kind = "poster"
    slug = factory.Sequence(lambda n: f"materi-{n}")
    title = factory.Sequence(lambda n: f"Materi {n}")


class MaterialVersionFactory(DjangoModelFactory):
    class Meta:
        model = MaterialVersion

    material = factory.SubFactory(MaterialFactory)
    number = factory.Sequence(lambda n: n + 1)
    file = factory.LazyFunction(
        lambda: default_storage.save(
            random_name("portal/materials", "pdf"), ContentFile(demo_pdf("Materi uji"))
        )
    )
    original_name = "materi-uji.pdf"
    size = 600


class MethodFactory(DjangoModelFactory):
    class Meta:
        model = Method
        django_get_or_create = ("office", "code")

    office = factory.SubFactory(OfficeFactory)
    code = "diskusi"
    name = "Diskusi"
    mode = "direct"


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    office = factory.SelfAttribute("programme.office")
    programme = None
    title = factory.Sequence(lambda n: f"Kegiatan uji {n}")
    method = factory.SubFactory(MethodFactory, office=factory.SelfAttribute("..office"))
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    status = ActivityStatus.APPROVED
    is_public = True
