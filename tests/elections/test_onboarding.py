"""Onboarding an office: a provincial (or national) admin opens a city's office with its
regions, boundaries, a copy of their programme and an invited first admin; all or
nothing, a rerun changes nothing, and only an admin above the region may do it."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from mitra.accounts.models import Membership
from mitra.accounts.selectors import membership_viewing
from mitra.activities.models import Approach, ApproachMethod, Method
from mitra.activities.services import methods_seed
from mitra.core.errors import DomainError, PermissionDeniedError
from mitra.elections.models import Election, Programme, Segment, Stage, Theme
from mitra.elections.onboarding import OnboardingInput, office_onboard
from mitra.offices.models import Office, OfficeLevel
from mitra.offices.services import office_create
from mitra.regions.models import Region
from mitra.regions.services import national_region_ensure, regions_load
from tests.factories import MembershipFactory, SegmentFactory, StageFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    regions_load(within="32.77")  # West Java and one small city: not Bandung
    plain = {"require_second_factor": False}  # force_login, as tests/factories.py does
    national = office_create(name="KPU RI", slug="uji-ri", region=national_region_ensure(), **plain)
    jabar = office_create(
        name="KPU Provinsi Jawa Barat",
        slug="uji-jabar",
        region=Region.objects.get(code="32"),
        **plain,
    )
    programme = Programme.objects.create(
        office=jabar,
        name="Sosialisasi Pilgub",
        slug="pilgub",
        voting_day=datetime.date(2029, 11, 28),
    )
    election = Election.objects.create(
        office=jabar,
        programme=programme,
        name="Pemilihan Gubernur Jawa Barat",
        short_name="Pilgub Jabar",
        kind="gubernur",
        region_id="32",
        voting_day=programme.voting_day,
    )
    StageFactory(election=election, name="Kampanye", order=1)
    StageFactory(election=election, name="Masa tenang", order=2)
    ThemeFactory(programme=programme, code="tahapan", name="Tahapan")
    SegmentFactory(office=jabar, code="muda", name="Pemilih muda")
    methods_seed(office=jabar)
    Approach.objects.filter(programme=programme).exclude(code="diskusi-komunitas").delete()
    return {"national": national, "jabar": jabar, "programme": programme}


def _input(province, **changes):
    values = {
        "region_code": "32.73",
        "name": "KPU Kota Bandung",
        "admin_email": "Admin.Bandung@example.org",
        "programme_id": province["programme"].pk,
        "boundaries": None,
    }
    values.update(changes)
    return OnboardingInput(**values)


def _counts():
    models = [Office, Programme, Election, Stage, Theme, Segment, Method, Approach, ApproachMethod]
    return {m.__name__: m.objects.count() for m in models} | {
        "members": Membership.objects.count(),
        "boundaries": Region.objects.filter(boundary__isnull=False).count(),
        "regions": Region.objects.count(),
    }


def test_onboarding_opens_the_office_with_everything_it_needs(
    province, kecamatan_geojson, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(office=province["jabar"], role="admin")

    with django_capture_on_commit_callbacks(execute=True):
        result = office_onboard(
            actor=admin,
            data=_input(province, boundaries=kecamatan_geojson),
            root="https://kpu.example",
        )

    office = result.office
    assert (office.level, office.parent_id) == (OfficeLevel.CITY, province["jabar"].pk)
    assert Region.objects.within("32.73").kelurahan().count() == 151
    assert result.boundaries_attached == 30
    copy = result.programme
    assert (copy.office, copy.name, copy.voting_day) == (
        office,
        "Sosialisasi Pilgub",
        province["programme"].voting_day,
    )
    election = copy.elections.get()
    assert (election.region_id, election.office) == ("32", office)
    assert list(election.stages.values_list("name", flat=True)) == ["Kampanye", "Masa tenang"]
    assert list(copy.themes.values_list("code", flat=True)) == ["tahapan"]
    assert list(Segment.objects.filter(office=office).values_list("code", flat=True)) == ["muda"]
    assert (
        Method.objects.filter(office=office).count()
        == Method.objects.filter(office=province["jabar"]).count()
    )
    approach = Approach.objects.get(programme=copy)  # the source's one, not the seeded four
    assert approach.code == "diskusi-komunitas"
    assert set(approach.methods.values_list("office_id", flat=True)) == {office.pk}
    assert (
        approach.methods.count()
        == Approach.objects.get(programme=province["programme"]).methods.count()
    )
    member = Membership.objects.get(office=office)
    assert (member.role, member.user.email, member.user.has_usable_password()) == (
        "admin",
        "admin.bandung@example.org",
        False,
    )
    assert len(mail.outbox) == 1 and "https://kpu.example/akun/atur-sandi/" in mail.outbox[0].body


def test_the_invitation_link_lets_the_admin_set_a_password(
    client, province, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(office=province["jabar"], role="admin")
    with django_capture_on_commit_callbacks(execute=True):
        office_onboard(actor=admin, data=_input(province), root="http://testserver")
    link = next(w for w in mail.outbox[0].body.split() if w.startswith("http://testserver"))

    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Sandi-Baru-2029!", "new_password2": "Sandi-Baru-2029!"},
    )

    assert response.status_code == 302
    user = Membership.objects.get(office__region_id="32.73").user
    assert user.check_password("Sandi-Baru-2029!")


def test_a_rerun_changes_nothing(province, kecamatan_geojson, django_capture_on_commit_callbacks):
    admin = MembershipFactory(office=province["jabar"], role="admin")
    with django_capture_on_commit_callbacks(execute=True):
        office_onboard(actor=admin, data=_input(province, boundaries=kecamatan_geojson))
    before, sent = _counts(), len(mail.outbox)
    assert sent == 1

    with django_capture_on_commit_callbacks(execute=True):
        again = office_onboard(actor=admin, data=_input(province, boundaries=kecamatan_geojson))

    assert not again.created and not again.invited
    assert _counts() == before and len(mail.outbox) == sent


@pytest.mark.parametrize(
    "changes",
    [
        {"boundaries": b'{"type": "FeatureCollection", "features": [{"type": "Feature"'},
        {"admin_email": "bukan-email"},
        {"region_code": "33.71"},  # Central Java: not under West Java
        {"region_code": "32.99"},  # no such city
    ],
)
def test_a_refusal_leaves_nothing_behind(province, changes):
    admin = MembershipFactory(office=province["jabar"], role="admin")
    MembershipFactory(office=province["national"], role="staff", user__email="dipakai@example.org")
    before = _counts()

    with pytest.raises(DomainError) as refused:
        office_onboard(actor=admin, data=_input(province, **changes))

    assert refused.value.message  # a sentence for the person, in Indonesian
    assert _counts() == before and mail.outbox == []


def test_an_admin_email_of_another_office_is_refused_whole(province):
    admin = MembershipFactory(office=province["jabar"], role="admin")
    MembershipFactory(office=province["national"], role="staff", user__email="dipakai@example.org")
    before = _counts()

    with pytest.raises(DomainError, match="kantor lain"):
        office_onboard(actor=admin, data=_input(province, admin_email="dipakai@example.org"))

    assert _counts() == before


def test_only_an_admin_above_the_region_may_onboard(province):
    staff = MembershipFactory(office=province["jabar"], role="staff")
    national = MembershipFactory(office=province["national"], role="admin")
    viewing = membership_viewing(home=national, office_id=province["jabar"].pk)
    for actor in (staff, viewing):
        with pytest.raises(PermissionDeniedError):
            office_onboard(actor=actor, data=_input(province))
    city = office_create(
        name="KPU Kota Cimahi",
        slug="uji-cimahi",
        region=Region.objects.get(code="32.77"),
        require_second_factor=False,
    )
    city_admin = MembershipFactory(office=city, role="admin")
    with pytest.raises(DomainError, match="provinsi"):
        office_onboard(actor=city_admin, data=_input(province))
    # The national admin copies only its own programmes.
    with pytest.raises(DomainError):
        office_onboard(actor=national, data=_input(province))


def test_the_page_onboards_in_indonesian(client, province):
    admin = MembershipFactory(office=province["jabar"], role="admin")
    client.force_login(admin.user)

    page = client.get(reverse("elections:office_onboard"))
    assert page.status_code == 200
    assert "Kota Bandung" in page.content.decode()

    response = client.post(
        reverse("elections:office_onboard"),
        {
            "region": "32.73",
            "admin_email": "admin.bandung@example.org",
            "programme": province["programme"].pk,
        },
        follow=True,
    )

    assert "Kantor KPU Kota Bandung dibuka" in response.content.decode()
    assert Office.objects.get(region_id="32.73").parent == province["jabar"]


def test_a_city_admin_gets_no_onboarding_page(client, province):
    city = office_create(
        name="KPU Kota Cimahi",
        slug="uji-cimahi",
        region=Region.objects.get(code="32.77"),
        require_second_factor=False,
    )
    client.force_login(MembershipFactory(office=city, role="admin").user)

    assert client.get(reverse("elections:office_onboard")).status_code == 403
