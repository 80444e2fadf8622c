"""Writes of analytics: voter-count and turnout imports (preview, then all-or-nothing), targets."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, require
from mitra.activities.models import Approach
from mitra.analytics import figure_cache
from mitra.core.bulk import copy_insert
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.imports import import_confirm
from mitra.core.spreadsheets import read_table
from mitra.elections.models import Election, ElectionKind, Programme, Segment, Theme

from .models import (
    ElectionResult,
    FiguresImport,
    ImportKind,
    StationResult,
    Target,
    TargetMetric,
    VoterCount,
)
from .results import check_result_rows
from .rows import AreaLookup, missing_columns, number


class AnalyticsError(DomainError):
    pass


VOTER_COLUMNS = [
    "kode",
    "kecamatan",
    "kelurahan",
    "jumlah_pemilih",
    "laki_laki",
    "perempuan",
    "pemilih_pemula",
    "jumlah_tps",
]
VOTER_EXAMPLE = ["32.73.01.1004", "Sukasari", "Sarijadi", 18800, 9300, 9500, 1300, 36]


def check_rows(
    *, kind: str, office_region: str, table: list[dict[str, str]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Validate every row; returns (rows ready to write, errors as {row, message})."""
    areas = AreaLookup(office_region)
    if kind == ImportKind.RESULTS:
        return check_result_rows(table=table, areas=areas)
    missing = missing_columns(table, ["jumlah_pemilih", "laki_laki", "perempuan"])
    if missing:
        return [], missing
    errors: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for raw in table:
        problems: list[str] = []
        region = areas.find(raw, problems)
        if region is not None and region.code in seen:
            problems.append(
                _("kelurahan %(name)s sudah ada di baris %(row)s (duplikat)")
                % {"name": region.name, "row": seen[region.code]}
            )
        total = number(raw, "jumlah_pemilih", problems, required=True)
        men = number(raw, "laki_laki", problems, required=True)
        women = number(raw, "perempuan", problems, required=True)
        first = number(raw, "pemilih_pemula", problems, required=False)
        tps = number(raw, "jumlah_tps", problems, required=False)
        if None not in (total, men, women) and men + women != total:  # type: ignore[operator]
            problems.append(
                _("laki-laki + perempuan (%(sum)s) tidak sama dengan jumlah pemilih (%(total)s)")
                % {"sum": men + women, "total": total}  # type: ignore[operator]
            )
        if first is not None and total is not None and first > total:
            problems.append(_("pemilih pemula melebihi jumlah pemilih"))
        values: dict[str, Any] = {
            "voters_total": total,
            "voters_men": men,
            "voters_women": women,
            "first_time_voters": first,
            "polling_stations": tps,
        }
        if problems:
            errors.append({"row": int(raw.get("_row", 0)), "message": "; ".join(problems)})
            continue
        assert region is not None
        seen[region.code] = raw.get("_row", "")
        rows.append({"region": region.code, "name": region.name, **values})
    return rows, errors


def figures_import_preview(
    *,
    membership: Membership,
    kind: str,
    upload: UploadedFile,
    election: Election | None = None,
    label: str = "",
    year: int | None = None,
    contest_kind: str = "",
    voting_day: datetime.date | None = None,
) -> FiguresImport:
    """Read and check a voter-count file (per election) or an official results file (per
    TPS, for one of the office's elections or an earlier one); write nothing yet."""
    require(membership, Right.MANAGE_PROGRAMME)
    if election is not None and election.office_id != membership.office_id:
        raise NotFoundError(_("Pemilihan tidak ditemukan."), code="not_found")
    if kind == ImportKind.VOTERS:
        if election is None:
            raise AnalyticsError(_("Pilih pemilihan untuk rekap DPT."), code="election_required")
    elif election is not None:  # results of one of the office's own elections
        label = label or election.short_name or election.name
        year, contest_kind = election.voting_day.year, election.kind
        voting_day = election.voting_day
    elif not label or not year or contest_kind not in ElectionKind.values:
        raise AnalyticsError(
            _("Pilih pemilihan program, atau isi nama, tahun, dan jenis pemilihan sebelumnya."),
            code="label_required",
        )
    table = read_table(upload)
    rows, errors = check_rows(kind=kind, office_region=membership.office.region_id, table=table)
    if not table:
        errors = [{"row": 1, "message": _("Berkas tidak berisi baris data.")}]
    return FiguresImport.objects.create(
        office_id=membership.office_id,
        kind=kind,
        election=election,
        label=label,
        year=year,
        contest_kind=contest_kind if kind == ImportKind.RESULTS else "",
        voting_day=voting_day if kind == ImportKind.RESULTS else None,
        filename=getattr(upload, "name", "")[:200],
        rows=rows,
        errors=errors,
        created_by=membership.user,
    )


def figures_import_confirm(*, membership: Membership, batch_id: int) -> int:
    """Write a checked import: replaces the same election's (or label's) figures, all at once.

    Refused whole while any row has an error.
    """
    require(membership, Right.MANAGE_PROGRAMME)
    written = import_confirm(
        batches=FiguresImport.objects.filter(office_id=membership.office_id, pk=batch_id),
        apply=lambda batch, now: _figures_write(batch),
        not_found=NotFoundError(_("Impor tidak ditemukan."), code="not_found"),
        already=AnalyticsError(_("Impor ini sudah disimpan."), code="already_confirmed"),
    )
    figure_cache.figures_changed(membership.office_id)  # bulk writes send no model signals
    return written


def _figures_write(batch: FiguresImport) -> int:
    """Write the batch's rows (inside `import_confirm`'s transaction); refused with errors."""
    if batch.errors:
        raise AnalyticsError(
            _(
                "Berkas masih berisi kesalahan; tidak ada yang disimpan. "
                "Perbaiki lalu unggah ulang."
            ),
            code="has_errors",
        )
    office_id = batch.office_id
    if batch.kind == ImportKind.VOTERS:
        assert batch.election_id is not None
        VoterCount.objects.filter(office_id=office_id, election_id=batch.election_id).delete()
        VoterCount.objects.bulk_create(
            [
                VoterCount(
                    office_id=office_id,
                    election_id=batch.election_id,
                    region_id=r["region"],
                    voters_total=r["voters_total"],
                    voters_men=r["voters_men"],
                    voters_women=r["voters_women"],
                    first_time_voters=r["first_time_voters"],
                    polling_stations=r["polling_stations"],
                )
                for r in batch.rows
            ],
            batch_size=1000,
        )
    else:
        _results_write(batch)
    return len(batch.rows)


def _results_write(batch: FiguresImport) -> None:
    """Replace one election's results with the batch's TPS rows (inside the caller's
    transaction). The election's record is found by the programme election it belongs to,
    else by its name, so a re-import replaces rather than adds."""
    office_id = batch.office_id
    lookup: dict[str, Any] = (
        {"election_id": batch.election_id} if batch.election_id else {"name": batch.label}
    )
    result, _created = ElectionResult.objects.update_or_create(
        office_id=office_id,
        **lookup,
        defaults={
            "name": batch.label,
            "year": batch.year or 0,
            "kind": batch.contest_kind,
            "voting_day": batch.voting_day,
        },
    )
    StationResult.objects.filter(result=result).delete()
    # COPY on PostgreSQL: a city's few thousand TPS rows without an instance per row.
    copy_insert(
        StationResult,
        STATION_FIELDS,
        (
            (
                office_id,
                result.pk,
                r["region"],
                r["tps"],
                r["dpt"],
                r["dptb"],
                r["dpk"],
                r["registered"],
                r["voted"],
                r["voted_men"],
                r["voted_women"],
            )
            for r in batch.rows
        ),
    )


STATION_FIELDS = (
    "office",
    "result",
    "region",
    "tps",
    "dpt",
    "dptb",
    "dpk",
    "registered",
    "voted",
    "voted_men",
    "voted_women",
)


def _check_target(
    *,
    programme: Programme,
    metric: str,
    segment: Segment | None,
    theme: Theme | None,
    value: int,
    approach: Approach | None = None,
) -> None:
    if metric not in TargetMetric.values:
        raise AnalyticsError(_("Ukuran target tidak dikenal."), code="metric")
    if approach is not None and approach.programme_id != programme.pk:
        raise AnalyticsError(_("Pendekatan bukan milik program ini."), code="approach")
    if segment is not None and segment.office_id != programme.office_id:
        raise AnalyticsError(_("Segmen bukan milik kantor ini."), code="segment")
    if theme is not None and theme.programme_id != programme.pk:
        raise AnalyticsError(_("Tema bukan milik program ini."), code="theme")
    if metric == TargetMetric.TURNOUT and not 0 < value <= 100:
        raise AnalyticsError(_("Target partisipasi adalah persen antara 1 dan 100."), code="value")
    if value <= 0:
        raise AnalyticsError(_("Target harus lebih dari nol."), code="value")


@transaction.atomic
def target_create(
    *,
    membership: Membership,
    programme: Programme,
    metric: str,
    value: int,
    segment: Segment | None = None,
    theme: Theme | None = None,
    note: str = "",
    approach: Approach | None = None,
) -> Target:
    """A programme target, narrowed to a segment, a theme and/or an approach if given."""
    require(membership, Right.MANAGE_PROGRAMME)
    if programme.office_id != membership.office_id:
        raise NotFoundError(_("Program tidak ditemukan."), code="not_found")
    _check_target(
        programme=programme,
        metric=metric,
        segment=segment,
        theme=theme,
        value=value,
        approach=approach,
    )
    return Target.objects.create(
        office_id=membership.office_id,
        programme=programme,
        metric=metric,
        segment=segment,
        theme=theme,
        approach=approach,
        value=value,
        note=note,
    )


@transaction.atomic
def target_update(*, membership: Membership, pk: int, value: int, note: str = "") -> Target:
    require(membership, Right.MANAGE_PROGRAMME)
    target = (
        Target.objects.select_related("programme")
        .filter(office_id=membership.office_id, pk=pk)
        .first()
    )
    if target is None:
        raise NotFoundError(_("Target tidak ditemukan."), code="not_found")
    _check_target(
        programme=target.programme, metric=target.metric, segment=None, theme=None, value=value
    )
    target.value = value
    target.note = note
    target.save(update_fields=["value", "note"])
    return target


@transaction.atomic
def target_delete(*, membership: Membership, pk: int) -> None:
    require(membership, Right.MANAGE_PROGRAMME)
    deleted, _rows = Target.objects.filter(office_id=membership.office_id, pk=pk).delete()
    if not deleted:
        raise NotFoundError(_("Target tidak ditemukan."), code="not_found")
