"""A small hand-made programme whose every figure is computed by hand in the tests."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from tests.analytics.factories import MethodFactory, activity, turnout, voters
from tests.factories import ElectionFactory, SegmentFactory, StageFactory, ThemeFactory

SUKARASA = "32.73.01.1001"  # kecamatan Sukasari 32.73.01
GEGERKALONG = "32.73.01.1002"  # kecamatan Sukasari
CIPAGANTI = "32.73.02.1001"  # kecamatan Coblong 32.73.02
TODAY = datetime.date(2024, 10, 26)


@pytest.fixture
def world(office, programme, partner):
    e1 = ElectionFactory(
        programme=programme, office=office, name="Pilwalkot", short_name="Pilwalkot"
    )
    e2 = ElectionFactory(programme=programme, office=office, name="Pilgub", short_name="Pilgub")
    StageFactory(
        election=e1, starts_on=datetime.date(2024, 9, 25), ends_on=datetime.date(2024, 11, 23)
    )
    pemula = SegmentFactory(office=office, code="pemula", name="Pemilih pemula", order=1)
    muda = SegmentFactory(office=office, code="muda", name="Pemilih muda", order=2)
    t1 = ThemeFactory(programme=programme, code="tahapan", name="Tahapan", order=1)
    t2 = ThemeFactory(programme=programme, code="sadar", name="Sadar memilih", order=2)
    m1 = MethodFactory(office=office, name="Diskusi")
    m2 = MethodFactory(office=office, name="Seminar")
    voters(election=e1, code=SUKARASA, total=10_000, first=800)
    voters(election=e1, code=GEGERKALONG, total=5_000, first=400)
    voters(election=e1, code=CIPAGANTI, total=20_000)
    a1 = activity(
        programme=programme,
        kelurahan=SUKARASA,
        attendance=100,
        segments=[pemula],
        themes=[t1],
        elections=[e1, e2],
        method=m1,
        partner=partner,
        day=datetime.date(2024, 10, 1),
    )
    a2 = activity(
        programme=programme,
        kelurahan=GEGERKALONG,
        attendance=50,
        segments=[muda],
        themes=[t1, t2],
        elections=[e1],
        method=m2,
        day=datetime.date(2024, 10, 8),
    )
    a3 = activity(
        programme=programme,
        kelurahan=CIPAGANTI,
        attendance=70,
        segments=[pemula],
        themes=[t1],
        elections=[e1],
        method=m1,
        status="reported",
        day=datetime.date(2024, 10, 8),
    )
    a4 = activity(
        programme=programme,
        kelurahan=None,
        attendance=30,
        segments=[pemula],
        themes=[t2],
        elections=[e1],
        method=m2,
        day=datetime.date(2024, 10, 9),
    )
    return SimpleNamespace(
        office=office,
        programme=programme,
        partner=partner,
        e1=e1,
        e2=e2,
        pemula=pemula,
        muda=muda,
        t1=t1,
        t2=t2,
        m1=m1,
        m2=m2,
        a1=a1,
        a2=a2,
        a3=a3,
        a4=a4,
    )


@pytest.fixture
def with_turnout(world):
    turnout(office=world.office, code=CIPAGANTI, registered=10_000, voted=6_000)
    turnout(office=world.office, code=SUKARASA, registered=10_000, voted=9_000)
    return world
