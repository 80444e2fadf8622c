"""Staff set the programme up in the product: programmes, elections, one stage for several
elections, segments and materials, with the rights table and the history of changes."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.elections.models import Election, Programme, Segment, Stage
from mitra.elections.selectors import programme_timeline
from mitra.portal.models import Material
from tests.factories import ElectionFactory, OfficeFactory, StageFactory, ThemeFactory
from tests.partners.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


def test_staff_add_a_programme_and_its_election_on_its_voting_day(client, staff_member):
    client.force_login(staff_member.user)
    response = client.post(
        "/program/",
        {"name": "Pilkada 2029", "voting_day": "2029-11-28", "is_current": "on"},
    )
    assert response.status_code == 302
    programme = Programme.objects.get(name="Pilkada 2029")
    assert programme.slug == "pilkada-2029" and programme.office == staff_member.office
    page = client.get(f"/program/{programme.pk}/pemilihan/baru/").content.decode()
    assert "Kota Bandung" in page and "Jawa Barat" in page  # the city and the province
    assert "Kabupaten Bandung" not in page
    client.post(
        f"/program/{programme.pk}/pemilihan/baru/",
        {
            "name": "Pemilihan Wali Kota 2029",
            "short_name": "Pilwalkot",
            "kind": "walikota",
            "region": "32.73",
        },
    )
    election = Election.objects.get(programme=programme)
    assert election.voting_day == datetime.date(2029, 11, 28)
    # The programme's day is fixed once it has an election.
    answer = client.post(
        f"/program/{programme.pk}/ubah/", {"name": "Pilkada 2029", "voting_day": "2029-12-01"}
    )
    assert "hari pemungutan suaranya tetap" in answer.content.decode()
    history = client.get("/program/").content.decode()
    assert "menambah pemilihan “Pemilihan Wali Kota 2029”" in history
    assert str(staff_member.user) in history


def test_one_stage_for_two_elections_is_one_entry_on_the_timeline(client, staff_member, programme):
    first, second = ElectionFactory(programme=programme), ElectionFactory(programme=programme)
    client.force_login(staff_member.user)
    client.post(
        "/program/tahapan/baru/",
        {
            "elections": [first.pk, second.pk],
            "name": "Masa tenang",
            "starts_on": "2024-11-24",
            "ends_on": "2024-11-26",
            "order": 7,
        },
    )
    stages = Stage.objects.filter(name="Masa tenang")
    assert sorted(stages.values_list("election_id", flat=True)) == sorted([first.pk, second.pk])
    timeline = programme_timeline(programme=programme, today=datetime.date(2024, 11, 1))
    assert [(e.stage.name, len(e.election_names)) for e in timeline] == [("Masa tenang", 2)]
    # Changing it in one election changes it in both (unless staff say otherwise).
    stage = stages.get(election=first)
    client.post(
        f"/program/pemilihan/{first.pk}/tahapan/{stage.pk}/",
        {
            "name": "Masa tenang",
            "starts_on": "2024-11-24",
            "ends_on": "2024-11-25",
            "order": 7,
            "with_siblings": "on",
        },
    )
    assert set(stages.values_list("ends_on", flat=True)) == {datetime.date(2024, 11, 25)}
    client.post(
        f"/program/pemilihan/{first.pk}/tahapan/{stage.pk}/",
        {"name": "Masa tenang", "starts_on": "2024-11-24", "ends_on": "2024-11-26", "order": 7},
    )
    assert sorted(stages.values_list("ends_on", flat=True)) == [
        datetime.date(2024, 11, 25),
        datetime.date(2024, 11, 26),
    ]


def test_a_stage_cannot_be_given_to_another_offices_election(client, staff_member, programme):
    mine = ElectionFactory(programme=programme)
    foreign = ElectionFactory(programme__office=OfficeFactory())
    client.force_login(staff_member.user)
    answer = client.post(
        "/program/tahapan/baru/",
        {
            "elections": [mine.pk, foreign.pk],
            "name": "X",
            "starts_on": "2024-11-24",
            "ends_on": "2024-11-26",
            "order": 1,
        },
    )
    assert answer.status_code == 200  # not a choice: refused by the form
    assert not Stage.objects.exists()


def test_staff_add_and_rename_a_segment_whose_code_stays(client, staff_member):
    client.force_login(staff_member.user)
    client.post(
        "/program/segmen/",
        {"code": "pemula", "name": "Pemilih pemula", "min_age": 17, "max_age": 21, "order": 1},
    )
    segment = Segment.objects.get(office=staff_member.office, code="pemula")
    client.post(
        f"/program/segmen/{segment.pk}/ubah/",
        {"code": "lain", "name": "Pemilih pertama", "min_age": 17, "max_age": 22, "order": 1},
    )
    segment.refresh_from_db()
    assert (segment.code, segment.name, segment.max_age) == ("pemula", "Pemilih pertama", 22)
    bad = client.post(
        "/program/segmen/", {"code": "x", "name": "X", "min_age": 30, "max_age": 20, "order": 1}
    )
    assert "lebih kecil dari usia minimal" in bad.content.decode()


def test_materials_get_numbered_versions(client, staff_member, programme, media):
    theme = ThemeFactory(programme=programme)
    client.force_login(staff_member.user)
    pdf = SimpleUploadedFile("panduan.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(
        "/kelola/materi/",
        {
            "title": "Panduan memilih",
            "theme": theme.pk,
            "kind": "deck",
            "is_public": "on",
            "file": pdf,
        },
    )
    material = Material.objects.get(title="Panduan memilih")
    pdf2 = SimpleUploadedFile("panduan-2.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(f"/kelola/materi/{material.pk}/versi/", {"file": pdf2, "notes": "Tanggal baru"})
    assert list(material.versions.values_list("number", "notes")) == [
        (2, "Tanggal baru"),
        (1, ""),
    ]
    fake = SimpleUploadedFile("virus.pdf", b"MZ not a pdf", content_type="application/pdf")
    client.post(f"/kelola/materi/{material.pk}/versi/", {"file": fake})
    assert material.versions.count() == 2  # content-checked, refused


@pytest.mark.parametrize("role", ["observer", "coordinator"])
def test_only_commission_staff_set_up_the_programme(client, office, partner, programme, role):
    from tests.factories import MembershipFactory

    member = MembershipFactory(
        office=office, role=role, partner=partner if role == "coordinator" else None
    )
    client.force_login(member.user)
    for url in ("/program/", "/program/segmen/", "/program/tahapan/baru/", "/kelola/materi/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/program/", {"name": "X", "voting_day": "2029-01-01"}).status_code == 403
    assert Programme.objects.count() == 1


def test_other_offices_programmes_answer_404(client, staff_member):
    foreign = ElectionFactory(programme__office=OfficeFactory())
    stage = StageFactory(election=foreign)
    client.force_login(staff_member.user)
    assert client.get(f"/program/{foreign.programme_id}/ubah/").status_code == 404
    assert client.get(f"/program/{foreign.programme_id}/pemilihan/baru/").status_code == 404
    assert client.get(f"/program/pemilihan/{foreign.pk}/tahapan/{stage.pk}/").status_code == 404


def test_django_admin_is_for_superusers_only_and_not_linked(client, admin_member):
    admin_member.user.is_staff = True
    admin_member.user.save(update_fields=["is_staff"])
    client.force_login(admin_member.user)
    assert "/admin/" not in client.get("/akun/").content.decode()
    assert client.get("/admin/").status_code == 302  # to the admin's own login
    admin_member.user.is_superuser = True
    admin_member.user.save(update_fields=["is_superuser"])
    assert client.get("/admin/").status_code == 200
