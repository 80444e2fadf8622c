"""The turnout page (staff and observers), its public version and the XLSX: thin views over
`selectors.turnout_evaluation` / `selectors.public_evaluation`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mitra.accounts.decorators import MemberRequest, member_required
from mitra.accounts.permissions import Right, has_right
from mitra.analytics import charts
from mitra.analytics.selectors import office_areas
from mitra.core.errors import DomainError, PermissionDeniedError
from mitra.elections.selectors import current_programme
from mitra.offices.selectors import request_public_office

from . import exports, selectors, services
from .forms import PlanForm
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
@member_required()
def turnout(request: MemberRequest) -> HttpResponse:
    membership = request.membership
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
    office = request_public_office(request)
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


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_PROGRAMME)
def plan(request: MemberRequest) -> HttpResponse:
    """Plan the staggered design: what it would detect, then the recorded draw."""
    membership = request.membership
    programme = current_programme(office=membership.office)
    if programme is None:
        raise Http404
    drawn = selectors.staggered_plan(programme=programme)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = PlanForm(data, voting_day=programme.voting_day)
    preview = None
    if drawn is None and form.is_bound and form.is_valid():
        c = form.cleaned_data
        eligible = selectors.eligible_kelurahan(
            office=membership.office, programme=programme, count=c["eligible"]
        )
        preview = selectors.plan_preview(
            office=membership.office,
            programme=programme,
            eligible=eligible,
            late_share=c["late_share"],
            people=c["people"],
        )
        if request.method == "POST":
            try:
                services.staggered_plan_draw(
                    membership=membership,
                    programme=programme,
                    eligible=eligible,
                    late_share=c["late_share"],
                    late_from=c["late_from"],
                    seed=c.get("seed"),
                )
            except DomainError as exc:
                form.add_error(exc.code if exc.code in form.fields else None, exc.message)
            else:
                messages.success(request, _("Undian tersimpan beserta benih acaknya."))
                return redirect("evaluation:plan")
    return render(
        request,
        "evaluation/plan.html",
        {"form": form, "preview": preview, "drawn": drawn, "programme": programme},
    )
