"""Every import (partners, voter counts, official results) goes through one preview →
confirm flow (`mitra.core.imports.import_confirm`): confirmed once, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.analytics import services as analytics
from mitra.analytics.models import ElectionResult, FiguresImport, VoterCount
from mitra.core.errors import DomainError
from mitra.core.imports import ImportBase, ImportStatus
from mitra.partners.imports import partner_import_confirm, partner_import_preview
from mitra.partners.models import ImportBatch, Partner
from tests.factories import ElectionFactory
from tests.partners.factories import PartnerCategoryFactory

pytestmark = pytest.mark.django_db

VOTERS = "kode,kecamatan,kelurahan,jumlah_pemilih,laki_laki,perempuan,pemilih_pemula,jumlah_tps\n"
RESULTS = "kode,kecamatan,kelurahan,tps,dpt,pengguna_hak_pilih\n"

Preview = Callable[[Any], ImportBase]


def _partners(member: Any) -> ImportBase:
    row = {"kode": "IMP-1", "nama": "Komunitas Impor", "kategori": "Kepemudaan"}
    return partner_import_preview(membership=member, rows=[{**row, "_row": "2"}], filename="x")


def _voters(member: Any) -> ImportBase:
    election = ElectionFactory(office=member.office)
    upload = SimpleUploadedFile(
        "dpt.csv", (VOTERS + "32.73.01.1001,,,1000,500,500,80,3\n").encode()
    )
    return analytics.figures_import_preview(
        membership=member, kind="voters", election=election, upload=upload
    )


def _results(member: Any) -> ImportBase:
    upload = SimpleUploadedFile("hasil.csv", (RESULTS + "32.73.01.1001,,,1,300,200\n").encode())
    return analytics.figures_import_preview(
        membership=member,
        kind="results",
        upload=upload,
        label="Pilwalkot Bandung 2018",
        year=2018,
        contest_kind="walikota",
    )


def _confirm(member: Any, batch: ImportBase) -> Any:
    if isinstance(batch, ImportBatch):
        return partner_import_confirm(membership=member, batch_id=batch.pk)
    return analytics.figures_import_confirm(membership=member, batch_id=batch.pk)


# What each import writes, and a bulk write to break after its first write.
IMPORTS: dict[str, tuple[Preview, Any, Any, str]] = {
    "partners": (_partners, Partner, Partner.areas.through.objects, "bulk_create"),
    "voters": (_voters, VoterCount, VoterCount.objects, "bulk_create"),
    "results": (_results, ElectionResult, analytics, "copy_insert"),
}


@pytest.fixture(params=list(IMPORTS))
def kind(request, office):
    PartnerCategoryFactory(office=office, code="pemuda", name="Kepemudaan")
    return request.param


def test_every_import_is_a_batch_of_the_one_base():
    assert issubclass(ImportBatch, ImportBase) and issubclass(FiguresImport, ImportBase)


def test_confirming_twice_writes_once_and_the_second_is_refused(kind, staff_member):
    preview, model, _target, _name = IMPORTS[kind]
    batch = preview(staff_member)
    assert batch.status == ImportStatus.PREVIEW
    _confirm(staff_member, batch)
    written = model.objects.count()
    assert written >= 1
    with pytest.raises(DomainError) as exc:
        _confirm(staff_member, batch)
    assert exc.value.code == "already_confirmed"
    assert model.objects.count() == written
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CONFIRMED and batch.confirmed_at is not None


def test_a_failing_write_leaves_nothing_and_the_batch_a_preview(kind, staff_member, monkeypatch):
    preview, model, target, name = IMPORTS[kind]
    batch = preview(staff_member)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(target, name, broken)
    with pytest.raises(RuntimeError):
        _confirm(staff_member, batch)
    assert model.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW and batch.confirmed_at is None
    monkeypatch.undo()
    _confirm(staff_member, batch)  # fixed, the same preview is confirmed whole
    assert model.objects.count() >= 1
