"""Official results per TPS: row errors in Indonesian, all-or-nothing, re-import replaces,
roll-ups to kelurahan, kecamatan and office equal the sums of the TPS rows."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.analytics import selectors, services
from mitra.analytics.models import ElectionResult, StationResult
from mitra.core.errors import DomainError
from tests.factories import ElectionFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "kode,kecamatan,kelurahan,tps,dpt,dptb,dpk,pengguna_hak_pilih,"
    "pengguna_laki_laki,pengguna_perempuan\n"
)


def csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("hasil.csv", (HEADER + text).encode(), content_type="text/csv")


def preview(member, text: str, **kwargs):
    kwargs.setdefault("label", "Pilwalkot Bandung 2018")
    kwargs.setdefault("year", 2018)
    kwargs.setdefault("contest_kind", "walikota")
    return services.figures_import_preview(
        membership=member, kind="results", upload=csv(text), **kwargs
    )


def test_row_errors_name_the_row_and_nothing_is_written(staff_member):
    batch = preview(
        staff_member,
        "32.73.01.1001,,,1,300,5,2,200,100,100\n"  # fine
        "32.73.99.9999,,,1,300,,,200,,\n"  # unknown area
        "32.73.01.1001,,,001,300,,,200,,\n"  # TPS 001 is TPS 1: duplicate
        ",Sukasari,Gegerkalong,2,300,,,301,,\n"  # voted > registered
        ",Sukasari,Gegerkalong,3,300,,,200,90,100\n"  # men + women != voted
        ",Sukasari,Gegerkalong,,300,,,200,,\n",  # no TPS number
    )
    messages = {e["row"]: e["message"] for e in batch.errors}
    assert messages == {
        3: "wilayah tidak dikenal: 32.73.99.9999",
        4: "TPS 1 di Sukarasa sudah ada di baris 2 (duplikat)",
        5: "pengguna hak pilih (301) melebihi pemilih terdaftar (300)",
        6: "laki-laki + perempuan (190) tidak sama dengan pengguna hak pilih (200)",
        7: "nomor TPS kosong",
    }
    with pytest.raises(DomainError) as refused:
        services.figures_import_confirm(membership=staff_member, batch_id=batch.pk)
    assert refused.value.code == "has_errors"
    assert not StationResult.objects.exists()
    assert not ElectionResult.objects.exists()


def test_missing_columns_are_named(staff_member):
    upload = SimpleUploadedFile("h.csv", b"kode,dpt\n32.73.01.1001,100\n")
    batch = services.figures_import_preview(
        membership=staff_member,
        kind="results",
        upload=upload,
        label="Pemilu 2019",
        year=2019,
        contest_kind="presiden",
    )
    assert batch.errors == [{"row": 1, "message": "Kolom wajib tidak ada: tps, pengguna_hak_pilih"}]


def test_a_past_election_needs_name_year_and_kind(staff_member):
    with pytest.raises(DomainError) as refused:
        preview(staff_member, "32.73.01.1001,,,1,300,,,200,,\n", contest_kind="")
    assert refused.value.code == "label_required"


def test_registered_counts_every_list_and_reimport_replaces(staff_member):
    batch = preview(staff_member, "32.73.01.1001,,,1,300,5,2,200,,\n32.73.01.1002,,,1,100,,,50,,\n")
    assert services.figures_import_confirm(membership=staff_member, batch_id=batch.pk) == 2
    row = StationResult.objects.get(region_id="32.73.01.1001")
    assert (row.dpt, row.dptb, row.dpk, row.registered) == (300, 5, 2, 307)
    again = preview(staff_member, "32.73.02.1001,,,7,400,,,300,,\n")
    services.figures_import_confirm(membership=staff_member, batch_id=again.pk)
    result = ElectionResult.objects.get()
    assert (result.name, result.year, result.kind) == ("Pilwalkot Bandung 2018", 2018, "walikota")
    assert list(result.stations.values_list("region_id", "tps", "voted")) == [
        ("32.73.02.1001", "7", 300)
    ]


def test_results_of_a_programme_election_take_its_name_year_and_kind(staff_member, programme):
    election = ElectionFactory(programme=programme, office=programme.office)
    batch = services.figures_import_preview(
        membership=staff_member,
        kind="results",
        upload=csv("32.73.01.1001,,,1,300,,,200,,\n"),
        election=election,
    )
    services.figures_import_confirm(membership=staff_member, batch_id=batch.pk)
    result = ElectionResult.objects.get()
    assert result.election_id == election.pk
    assert (result.year, result.kind) == (election.voting_day.year, election.kind)


def test_rollups_equal_the_sums_of_the_tps_rows(staff_member):
    rows = [
        ("32.73.01.1001", 1, 300, 210),
        ("32.73.01.1001", 2, 280, 150),
        ("32.73.01.1002", 1, 310, 200),
        ("32.73.02.1001", 1, 290, 260),
    ]
    batch = preview(staff_member, "".join(f"{k},,,{t},{r},,,{v},,\n" for k, t, r, v in rows))
    services.figures_import_confirm(membership=staff_member, batch_id=batch.pk)
    result = ElectionResult.objects.get()
    kelurahan = selectors.results_by_area(result_id=result.pk, level="kelurahan")
    kecamatan = selectors.results_by_area(result_id=result.pk, level="kecamatan")
    for level, got in (("kelurahan", kelurahan), ("kecamatan", kecamatan)):
        expected: dict[str, tuple[int, int]] = {}
        for code, _tps, reg, voted in rows:
            key = code if level == "kelurahan" else code.rsplit(".", 1)[0]
            old = expected.get(key, (0, 0))
            expected[key] = (old[0] + reg, old[1] + voted)
        assert got == expected
    base = selectors.past_turnout(office=staff_member.office, level="kecamatan")
    assert base is not None
    assert base.city == pytest.approx(820 / 1180)
    assert base.by_area["32.73.01"] == pytest.approx(560 / 890)
