from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from mitra.activities.models import Activity, Method
from mitra.checkin.models import CheckinPoint, Registration
from tests.factories import ProgrammeFactory


class MethodFactory(DjangoModelFactory):
    class Meta:
        model = Method

    office = factory.SubFactory("tests.factories.OfficeFactory")
    code = factory.Sequence(lambda n: f"metode-{n}")
    name = factory.Sequence(lambda n: f"Metode {n}")
    mode = "direct"


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    programme = factory.SubFactory(ProgrammeFactory)
    office = factory.SelfAttribute("programme.office")
    method = factory.SubFactory(MethodFactory, office=factory.SelfAttribute("..office"))
    title = factory.Sequence(lambda n: f"Diskusi Pemilih {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    status = "approved"
    venue = "Aula Kelurahan"


class CheckinPointFactory(DjangoModelFactory):
    class Meta:
        model = CheckinPoint

    activity = factory.SubFactory(ActivityFactory)
    office = factory.SelfAttribute("activity.office")

    @classmethod
    def _create(cls, model_class: type[CheckinPoint], *args: object, **kwargs: object) -> object:
        """An approved activity already has its point (the approval creates it): the factory
        sets the given settings on it rather than adding a second one."""
        activity = kwargs.pop("activity")
        point, _ = model_class.objects.update_or_create(activity=activity, defaults=kwargs)
        return point


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    activity = factory.SubFactory(ActivityFactory)
    office = factory.SelfAttribute("activity.office")
    status = "confirmed"
