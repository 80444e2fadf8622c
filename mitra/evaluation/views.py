"""The turnout page (staff and observers), its public version and the XLSX: thin views over
`selectors.turnout_evaluation` / `selectors.public_evaluation`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mitra.accounts.permissions import Right, has_right
from mitra.accounts.selectors import request_membership
from mitra.analytics import charts
from mitra.analytics.selectors import office_areas
from mitra.core.errors import PermissionDeniedError
from mitra.offices.selectors import public_office

from . import exports, selectors
from .verdict import signed


def _number(request: HttpRequest, name: str) -> int | None:
    """A positive id from the query string; anything else reads as not given."""
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _map(found: selectors.Evaluation) -> Any:
    geometries = dict(
        office_areas(office=found.office, level="kelurahan", with_boundary=True)
        .exclude(boundary__isnull=True)
        .values_list("code", "boundary")
    )
    if not geometries or found.baseline is None:
        return None
    areas = []
    for a in found.kelurahan:
        change = a.change
        shown = (
            _("tidak ada data") if change is None else _("%(v)s poin") % {"v": signed(change, 1)}
        )
        areas.append(
            charts.MapArea(
                code=a.code,
                name=a.name,
                geometry=geometries.get(a.code),
                value=change,
                href=f"#kel-{a.code}",
                caption=f"{a.name}: {shown}",
            )
        )
    known = [a.value for a in areas if a.value is not None]
    legend = _("Perubahan partisipasi (poin)")
    return charts.choropleth(
        areas,
        title=_("Peta perubahan partisipasi per kelurahan"),
        legend_title=legend,
        ident="e-map",
        low=min(known) if known else 0.0,
    )


def _context(found: selectors.Evaluation, *, public: bool) -> dict[str, Any]:
    return {
        "e": found,
        "public": public,
        "map": _map(found),
        "extra": found.extra_voters,
        "reach_total": selectors.shown_reach(found.reach, found.threshold),
        "mde_people": (
            number_format(found.estimate.mde, 2) if found.estimate is not None else None
        ),
    }


@login_required
@require_GET
def turnout(request: HttpRequest) -> HttpResponse:
    membership = request_membership(request)
    found = selectors.turnout_evaluation(
        membership=membership,
        election_id=_number(request, "election"),
        baseline_id=_number(request, "baseline"),
    )
    if found is None:
        raise Http404
    if request.GET.get("format") == "xlsx":
        if not has_right(membership, Right.EXPORT):  # type: ignore[arg-type]
            raise PermissionDeniedError(
                _("Anda tidak memiliki izin untuk ekspor."), code="permission_denied"
            )
        return exports.evaluation_workbook(found)
    context = _context(found, public=False)
    context["can_export"] = has_right(membership, Right.EXPORT)  # type: ignore[arg-type]
    return render(request, "evaluation/turnout.html", context)


@require_GET
def public_turnout(request: HttpRequest) -> HttpResponse:
    office = public_office()
    if office is None:
        raise Http404
    found = selectors.public_evaluation(
        office=office,
        election_id=_number(request, "election"),
        baseline_id=_number(request, "baseline"),
    )
    if found is None:
        raise Http404
    return render(request, "evaluation/turnout.html", _context(found, public=True))
