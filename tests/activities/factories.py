"""Factories for activities; the foundation's live in tests/factories.py."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from mitra.activities.models import Activity, Method, Report
from tests.factories import ProgrammeFactory


class MethodFactory(DjangoModelFactory):
    class Meta:
        model = Method

    office = factory.SubFactory("tests.factories.OfficeFactory")
    code = factory.Sequence(lambda n: f"metode-{n}")
    name = factory.Sequence(lambda n: f"Metode {n}")
    mode = "direct"


def _past() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=1)


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    programme = factory.SubFactory(ProgrammeFactory)
    office = factory.SelfAttribute("programme.office")
    partner = None
    title = factory.Sequence(lambda n: f"Kegiatan uji {n}")
    method = factory.SubFactory(MethodFactory, office=factory.SelfAttribute("..office"))
    venue = "Balai warga"
    starts_at = factory.LazyFunction(_past)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    status = "draft"


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    activity = factory.SubFactory(ActivityFactory)
    attendance_total = 50
    women = 25
    men = 25
