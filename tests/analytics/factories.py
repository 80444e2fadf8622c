"""Factories for analytics tests: activities with verified reports, voter counts, targets."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from mitra.activities.models import Activity, Method, Report
from mitra.analytics.models import ElectionResult, StationResult, Target, VoterCount
from mitra.partners.models import Agreement, Deliverable


class MethodFactory(DjangoModelFactory):
    class Meta:
        model = Method

    code = factory.Sequence(lambda n: f"metode-{n}")
    name = factory.Sequence(lambda n: f"Metode {n}")
    mode = "direct"


def aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    office = factory.SelfAttribute("programme.office")
    title = factory.Sequence(lambda n: f"Kegiatan {n}")
    method = factory.SubFactory(MethodFactory, office=factory.SelfAttribute("..office"))
    starts_at = factory.LazyFunction(lambda: aware(datetime.date(2024, 10, 1)))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    status = "verified"


def activity(
    *,
    programme,
    kelurahan: str | None,
    attendance: int | None,
    day: datetime.date = datetime.date(2024, 10, 1),
    status: str = "verified",
    segments=(),
    themes=(),
    elections=(),
    partner=None,
    method=None,
) -> Activity:
    """An activity (verified by default) with a report of `attendance` people."""
    extra = {"method": method} if method is not None else {}
    a = ActivityFactory(
        programme=programme,
        kelurahan_id=kelurahan,
        starts_at=aware(day),
        ends_at=aware(day, 12),
        status=status,
        partner=partner,
        **extra,
    )
    a.segments.set(segments)
    a.themes.set(themes)
    a.elections.set(elections)
    if attendance is not None:
        Report.objects.create(activity=a, attendance_total=attendance)
    return a


def voters(*, election, code: str, total: int, first: int | None = None) -> VoterCount:
    men = total // 2
    return VoterCount.objects.create(
        office=election.office,
        election=election,
        region_id=code,
        voters_total=total,
        voters_men=men,
        voters_women=total - men,
        first_time_voters=first,
    )


def turnout(
    *,
    office,
    code: str,
    registered: int,
    voted: int,
    label: str = "Pilwalkot 2018",
    year: int = 2018,
    kind: str = "walikota",
    tps: str = "1",
) -> StationResult:
    """One TPS row of an election's results (the election's record made on first use)."""
    result, _new = ElectionResult.objects.get_or_create(
        office=office, name=label, defaults={"year": year, "kind": kind}
    )
    return StationResult.objects.create(
        office=office,
        result=result,
        region_id=code,
        tps=tps,
        dpt=registered,
        registered=registered,
        voted=voted,
    )


class TargetFactory(DjangoModelFactory):
    class Meta:
        model = Target

    office = factory.SelfAttribute("programme.office")
    metric = "reach"
    value = 100


def agreement(
    *,
    partner,
    deliverables: list[tuple[str, int]],
    valid_from=datetime.date(2024, 9, 1),
    valid_until=datetime.date(2024, 12, 31),
) -> Agreement:
    a = Agreement.objects.create(
        office=partner.office,
        partner=partner,
        number=f"PKS/{partner.pk}",
        signed_on=valid_from,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    for metric, target in deliverables:
        Deliverable.objects.create(agreement=a, metric=metric, target=target)
    return a
