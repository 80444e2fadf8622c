"""Voter-count imports: row errors in Indonesian, all-or-nothing, re-import replaces.

Results per TPS are tested in test_results_import.py."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.analytics import services
from mitra.analytics.models import VoterCount
from mitra.core.errors import PermissionDeniedError
from tests.factories import ElectionFactory

pytestmark = pytest.mark.django_db

HEADER = "kode,kecamatan,kelurahan,jumlah_pemilih,laki_laki,perempuan,pemilih_pemula,jumlah_tps\n"


def csv(text: str, name: str = "dpt.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + text).encode(), content_type="text/csv")


@pytest.fixture
def election(programme):
    return ElectionFactory(programme=programme, office=programme.office)


def test_row_errors_are_reported_and_nothing_is_written(staff_member, election):
    batch = services.figures_import_preview(
        membership=staff_member,
        kind="voters",
        election=election,
        upload=csv(
            "32.73.01.1001,,,1000,500,500,80,3\n"
            "32.73.99.9999,,,1000,500,500,,\n"
            ",Sukasari,Gegerkalong,1000,400,500,,\n"
            ",Coblong,Dago,-5,0,0,,\n"
            "32.73.01.1001,,,10,5,5,,\n"
        ),
    )
    messages = {e["row"]: e["message"] for e in batch.errors}
    assert messages[3] == "wilayah tidak dikenal: 32.73.99.9999"
    assert "laki-laki + perempuan (900) tidak sama dengan jumlah pemilih (1000)" in messages[4]
    assert "jumlah_pemilih tidak boleh negatif" in messages[5]
    assert "duplikat" in messages[6] and "baris 2" in messages[6]
    assert 2 not in messages
    with pytest.raises(services.AnalyticsError) as exc:
        services.figures_import_confirm(membership=staff_member, batch_id=batch.pk)
    assert exc.value.code == "has_errors"
    assert VoterCount.objects.count() == 0


def test_names_instead_of_codes_and_reimport_replaces_the_elections_figures(staff_member, election):
    first = services.figures_import_preview(
        membership=staff_member,
        kind="voters",
        election=election,
        upload=csv("32.73.01.1001,,,1000,500,500,80,3\n,Kecamatan Coblong,Dago,2000,1000,1000,,\n"),
    )
    assert first.errors == []
    assert services.figures_import_confirm(membership=staff_member, batch_id=first.pk) == 2
    assert VoterCount.objects.get(region_id="32.73.02.1004").voters_total == 2000
    second = services.figures_import_preview(
        membership=staff_member,
        kind="voters",
        election=election,
        upload=csv("32.73.01.1001,,,1100,550,550,,\n"),
    )
    services.figures_import_confirm(membership=staff_member, batch_id=second.pk)
    assert list(VoterCount.objects.values_list("region_id", "voters_total")) == [
        ("32.73.01.1001", 1100)
    ]
    with pytest.raises(services.AnalyticsError):
        services.figures_import_confirm(membership=staff_member, batch_id=second.pk)


def test_other_election_figures_stay(staff_member, election, programme):
    other = ElectionFactory(programme=programme, office=programme.office)
    for e in (election, other):
        b = services.figures_import_preview(
            membership=staff_member,
            kind="voters",
            election=e,
            upload=csv("32.73.01.1001,,,1000,500,500,,\n"),
        )
        services.figures_import_confirm(membership=staff_member, batch_id=b.pk)
    assert VoterCount.objects.count() == 2


def test_observer_and_coordinator_cannot_import(observer_member, coordinator_member, election):
    for member in (observer_member, coordinator_member):
        with pytest.raises(PermissionDeniedError):
            services.figures_import_preview(
                membership=member,
                kind="voters",
                election=election,
                upload=csv("32.73.01.1001,,,1,1,0,,\n"),
            )
