"""Thin views of the roll-up: a province's cities, the national office's provinces and
cities (read only), with the lists of their partners and activities and the exports.

The figures come from `selectors.office_rollup`; drilling into one office is
`accounts:office_view_start` (every page then shows that office, read only).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mitra.accounts.permissions import Right
from mitra.accounts.selectors import (
    readable_offices,
    request_membership,
    request_membership_or_none,
)
from mitra.activities.selectors import activities_across_offices
from mitra.core.errors import NotFoundError
from mitra.offices.models import Office, OfficeLevel
from mitra.partners.selectors import partners_across_offices

from . import exports
from .selectors.rollup import Rollup, RollupRow, office_rollup, require_rollup

EXPORT_FORMATS = ("xlsx", "csv")
PAGE_SIZE = 50


def _figure_columns(with_gaps: bool) -> list[str]:
    columns = [
        _("Mitra aktif"),
        _("Kegiatan berjalan"),
        _("Kegiatan terverifikasi"),
        _("Orang terjangkau"),
        _("Pemilih"),
        _("Jangkauan per 1.000 pemilih"),
    ]
    if with_gaps:
        columns += [
            _("Kelurahan dengan data pemilih"),
            _("Kelurahan belum terjangkau"),
            _("Pemilih di kelurahan belum terjangkau"),
            _("Pemilih belum terjangkau (%)"),
        ]
    return columns


def _figure_cells(row: RollupRow, with_gaps: bool) -> list[Any]:
    f = row.figures
    cells: list[Any] = [
        f.partners,
        f.activities,
        f.verified,
        f.reach,
        f.voters,
        f.reach_per_1000 if f.reach_per_1000 is not None else "",
    ]
    if with_gaps:
        cells += [
            f.areas,
            f.areas_unreached,
            f.voters_unreached,
            f.unreached_percent if f.unreached_percent is not None else "",
        ]
    return cells


def _export(rollup: Rollup, fmt: str, filename: str) -> HttpResponseBase:
    """Every office of the subtree with its own figures (the page's rows are their sums)."""
    levels = dict(OfficeLevel.choices)
    names = {r.office.pk: r.office.name for r in rollup.offices}
    rows: Iterable[Sequence[Any]] = (
        [
            r.office.name,
            str(levels.get(r.office.level, r.office.level)),
            names.get(r.office.parent_id or 0, ""),
            r.office.region_id,
            *_figure_cells(r, rollup.with_gaps),
        ]
        for r in rollup.offices
    )
    return exports.TableExporter(
        _("Rekap"),
        [
            _("Kantor"),
            _("Tingkat"),
            _("Kantor induk"),
            _("Kode wilayah"),
            *_figure_columns(rollup.with_gaps),
        ],
        rows,
    ).response(fmt, filename=filename)


def _rollup_page(request: HttpRequest, office: Office, *, with_gaps: bool) -> HttpResponseBase:
    rollup = office_rollup(office=office, with_gaps=with_gaps)
    fmt = request.GET.get("format", "")
    if fmt in EXPORT_FORMATS:
        name = "rekap-celah" if with_gaps else "rekap"
        return _export(rollup, fmt, f"{name}-{office.slug}")
    rows = rollup.rows
    if with_gaps:  # the largest share of voters not reached first
        rows = [
            rows[0],
            *sorted(rows[1:], key=lambda r: (-(r.figures.unreached_percent or 0), r.office.name)),
        ]
    return render(
        request,
        "analytics/rollup.html",
        {"rollup": rollup, "rows": rows, "with_gaps": with_gaps, "levels": OfficeLevel},
    )


@login_required
@require_GET
def rollup(request: HttpRequest) -> HttpResponseBase:
    """The office's cities (a province) or provinces and cities (national), read only."""
    membership = require_rollup(request_membership(request))
    return _rollup_page(request, membership.office, with_gaps=False)


@login_required
@require_GET
def rollup_gaps(request: HttpRequest) -> HttpResponseBase:
    """Where voters are not reached yet, per office below: voters in kelurahan without a
    verified activity of that office's running programme."""
    membership = require_rollup(request_membership(request))
    return _rollup_page(request, membership.office, with_gaps=True)


@login_required
@require_GET
def national(request: HttpRequest) -> HttpResponseBase:
    """The national office's roll-up: its members (and the platform's operators)."""
    membership = request_membership_or_none(request)
    office = Office.objects.filter(level=OfficeLevel.NATIONAL).order_by("pk").first()
    if office is None:
        raise NotFoundError(_("Belum ada kantor nasional."), code="not_found")
    is_member = membership is not None and membership.office.pk == office.pk
    if is_member:
        require_rollup(membership)
    elif not request.user.is_superuser:  # type: ignore[union-attr]
        raise PermissionDenied
    return _rollup_page(request, office, with_gaps=False)


def _office_choice(request: HttpRequest) -> int | None:
    raw = request.GET.get("kantor", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise NotFoundError(_("Kantor tidak ditemukan di bawah kantor Anda."), code="not_found")
    return int(raw)


@login_required
@require_GET
def rollup_partners(request: HttpRequest) -> HttpResponseBase:
    """The partners of every office below (and the office's own), filtered by office."""
    membership = request_membership(request)
    office_id = _office_choice(request)
    partners = partners_across_offices(membership=membership, office_id=office_id)
    if request.GET.get("format", "") in EXPORT_FORMATS:
        return exports.TableExporter(
            _("Mitra"),
            [_("Kantor"), _("Mitra"), _("Kategori"), _("Status")],
            (
                [
                    p.office.name,
                    p.name,
                    p.category.name if p.category else "",
                    p.get_status_display(),
                ]
                for p in partners.iterator(chunk_size=2000)
            ),
        ).response(request.GET["format"], filename="rekap-mitra")
    return _list_page(request, membership, partners, office_id, "analytics/rollup_partners.html")


@login_required
@require_GET
def rollup_activities(request: HttpRequest) -> HttpResponseBase:
    """The activities of every office below (and the office's own), filtered by office."""
    membership = request_membership(request)
    office_id = _office_choice(request)
    activities = activities_across_offices(membership=membership, office_id=office_id)
    # KPU RI reads a million activities: one office at a time (sorting them all for a page
    # took seconds), while a province lists its cities' together.
    needs_office = office_id is None and membership.office.level == OfficeLevel.NATIONAL
    if needs_office:
        activities = activities.none()
    wants_file = request.GET.get("format", "") in EXPORT_FORMATS
    if wants_file and not needs_office:
        return exports.TableExporter(
            _("Kegiatan"),
            [_("Kantor"), _("Kegiatan"), _("Mulai"), _("Status"), _("Mitra"), _("Kelurahan")],
            (
                [
                    a.office.name,
                    a.title,
                    a.starts_at,
                    a.get_status_display(),
                    a.partner.name if a.partner else _("KPU (penyelenggara)"),
                    a.kelurahan.name if a.kelurahan else "",
                ]
                for a in activities.iterator(chunk_size=2000)
            ),
        ).response(request.GET["format"], filename="rekap-kegiatan")
    return _list_page(
        request,
        membership,
        activities,
        office_id,
        "analytics/rollup_activities.html",
        needs_office=needs_office,
        status=400 if wants_file else 200,  # a download of every office: choose one first
    )


def _list_page(
    request: HttpRequest,
    membership: Any,
    rows: Any,
    office_id: int | None,
    template: str,
    *,
    needs_office: bool = False,
    status: int = 200,
) -> HttpResponseBase:
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman"))
    offices = readable_offices(membership=membership, right=Right.VIEW_ALL_PARTNERS).order_by(
        "name"
    )
    return render(
        request,
        template,
        {
            "page": page,
            "offices": offices,
            "office_id": office_id,
            "own_office": membership.office,
            "needs_office": needs_office,
        },
        status=status,
    )
