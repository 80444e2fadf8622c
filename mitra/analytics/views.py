"""Thin views of the dashboard, its charts and exports, imports, targets, gaps, public summary.

Past ~600 lines because each page and export is a dozen lines and they share the filter
and cache helpers at the top; the figures themselves live in `selectors/` (a package).
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mitra.accounts.decorators import MemberRequest, member_required
from mitra.accounts.models import Membership
from mitra.accounts.pages import member_page
from mitra.accounts.permissions import Right, has_right, require
from mitra.accounts.selectors import request_membership
from mitra.activities.selectors import approach_options
from mitra.analytics import figure_cache
from mitra.core.errors import DomainError, NotFoundError, PermissionDeniedError
from mitra.core.numbers import Kind, format_figure
from mitra.core.pagecache import (
    personalise,
    render_shareable,
    shared_page_allowed,
    shared_variant,
)
from mitra.core.spreadsheets import template_response
from mitra.elections import services as election_services
from mitra.elections.selectors import current_programme, programme_of_office
from mitra.offices.selectors import request_public_office

from . import exports, selectors, services
from .dashboard_charts import dashboard_chart, dashboard_map
from .forms import (
    FilterForm,
    ResultsImportForm,
    SegmentShareForm,
    TargetEditForm,
    TargetForm,
    VoterImportForm,
)
from .models import ImportKind, Target
from .results import RESULT_COLUMNS, RESULT_EXAMPLE

CHARTS = ("segment", "theme", "approach", "method", "partner", "status", "trend", "map")
TABLES = (
    "areas",
    "segment",
    "theme",
    "approach",
    "method",
    "partner",
    "targets",
    "trend",
    "status",
    "gaps",
    "attendance",
)


def _dashboard_member(request: HttpRequest) -> Membership:
    """The member reading the dashboard (refused with 403 otherwise); once per request."""
    return selectors.require_dashboard(request_membership(request))


def _board(request: HttpRequest, membership: Membership) -> tuple[selectors.Dashboard, FilterForm]:
    programme = programme_of_office(office=membership.office)
    choices = selectors.filter_choices(programme=programme)
    form = FilterForm(request.GET or None, programme=programme, choices=choices)
    d = selectors.dashboard(
        membership=membership, filters=form.filters(), programme=programme, choices=choices
    )
    return d, form


def _scope(request: HttpRequest, membership: Membership) -> selectors.DashboardScope:
    """The dashboard's programme, filters and threshold, for pages that show a part of its
    figures (one area, the gaps) and need not compute the rest."""
    programme = programme_of_office(office=membership.office)
    form = FilterForm(request.GET or None, programme=programme)
    return selectors.dashboard_scope(
        membership=membership, filters=form.filters(), programme=programme
    )


def _shown(value: Any, no_data: str, kind: Kind = Kind.COUNT) -> str:
    """What analytics/_value.html renders, without a template include per cell."""
    return no_data if value is None else escape(format_figure(value, kind))


def _area_table(d: selectors.Dashboard, ranked: list[selectors.AreaRow], query: str) -> str:
    """The ranked table's rows as HTML, built once in Python (one row per kecamatan or
    kelurahan: hundreds of rows at kelurahan level, each with links and number formats)."""
    no_data = format_html('<span class="muted">{}</span>', _("tidak ada data"))
    suffix = f"?{query}" if query else ""
    base = reverse("analytics:area", args=["0"])[:-2]  # ".../wilayah/" (code appended)
    with_parent = d.filters.level == "kelurahan"
    rows = []
    for a in ranked:
        parent = (
            format_html(' <small class="muted">{}</small>', a.parent_name)
            if a.parent_name and with_parent
            else ""
        )
        rows.append(
            format_html(
                '<tr>\n              <th scope="row"><a href="{}">{}</a>{}</th>\n'
                "              <td>{}</td>\n              <td>{}</td>\n"
                "              <td>{}</td>\n              <td>{}</td>\n"
                "              <td>{}</td>\n            </tr>",
                f"{base}{a.code}/{suffix}",
                a.name,
                parent,
                mark_safe(_shown(a.voters, no_data)),  # noqa: S308 — escaped in _shown
                intcomma(a.activities),
                intcomma(a.reach),
                mark_safe(_shown(a.reach_per_1000, no_data, Kind.RATE)),  # noqa: S308
                mark_safe(_shown(a.activities_per_10000, no_data, Kind.RATE)),  # noqa: S308
            )
        )
    if d.unplaced is not None:
        # Not an area, but without it the rows would not add up to the totals above.
        rows.append(
            format_html(
                '<tr class="unplaced">\n              <th scope="row">{}</th>\n'
                "              <td>—</td>\n              <td>{}</td>\n"
                "              <td>{}</td>\n              <td>—</td>\n"
                "              <td>—</td>\n            </tr>",
                d.unplaced.name,
                intcomma(d.unplaced.activities),
                intcomma(d.unplaced.reach),
            )
        )
    return mark_safe("\n            ".join(rows))  # noqa: S308 — each row is format_html


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = _dashboard_member(request)
    can_export = has_right(membership, Right.EXPORT)
    can_manage = has_right(membership, Right.MANAGE_PROGRAMME)
    # Everything the page's figures and links depend on besides the office's records
    # (whose changes replace the cache's generation): what is asked, by whom, in which
    # language, on which day.
    parts = (
        "dashboard",
        sorted(request.GET.lists()),
        get_language(),
        timezone.localdate().isoformat(),
        selectors.small_cell_threshold(membership=membership, office=membership.office),
        can_export,
        can_manage,
    )
    return member_page(
        cast(MemberRequest, request),
        template="analytics/dashboard.html",
        parts=parts,
        content=lambda: _dashboard_content(
            request, membership, can_export=can_export, can_manage=can_manage
        ),
    )


def _dashboard_content(
    request: HttpRequest, membership: Membership, *, can_export: bool, can_manage: bool
) -> str:
    d, form = _board(request, membership)
    query = urlencode(d.filters.as_query())
    chart_names = ["segment", "theme", "approach", "method", "partner", "status", "trend"]
    ranked = sorted(
        d.areas,
        key=lambda a: (
            a.measure(d.filters.measure) is None,
            -(a.measure(d.filters.measure) or 0),
            a.code,
        ),
    )
    return render_to_string(
        "analytics/_dashboard.html",
        {
            "d": d,
            "form": form,
            "query": query,
            "charts": {name: dashboard_chart(d, name, query) for name in chart_names},
            "map_svg": dashboard_map(d, query),
            "area_table": _area_table(d, ranked, query),
            "can_export": can_export,
            "can_manage": can_manage,
        },
        request=request,
    )


@login_required
@require_GET
def chart_svg(request: HttpRequest, name: str) -> HttpResponse:
    if name not in CHARTS:
        raise Http404
    d, _form = _board(request, _dashboard_member(request))
    svg = dashboard_chart(d, name, urlencode(d.filters.as_query()))
    if svg is None:
        raise Http404
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="grafik-{name}.svg"'
    return response


@login_required
@require_GET
def export(request: HttpRequest, table: str) -> HttpResponseBase:
    if table not in TABLES:
        raise Http404
    membership = _dashboard_member(request)
    if not has_right(membership, Right.EXPORT):
        raise PermissionDenied(_("Anda tidak memiliki izin untuk ekspor."))
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    if table == "gaps":
        scope = _scope(request, membership)
        exporter = exports.gaps_table(
            selectors.gaps(
                office=scope.office,
                programme=scope.programme,
                filters=scope.filters,
                limit=None,
                threshold=scope.threshold,
            )
        )
    else:
        d, _form = _board(request, membership)
        found = exports.dashboard_table(d, table)
        if found is None:
            raise Http404
        exporter = found
    return exporter.response(fmt, filename=f"analitik-{table}")


@login_required
@require_GET
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = _scope(request, _dashboard_member(request))
    try:
        region = selectors.area_get(office=scope.office, code=code)
    except NotFoundError:
        raise Http404 from None
    # The area's figures at its own level, whichever level the dashboard's map shows.
    level = "kelurahan" if region.level == selectors.LEVELS["kelurahan"] else "kecamatan"
    row = next(
        a
        for a in selectors.area_rows(
            office=scope.office,
            programme=scope.programme,
            filters=dataclasses.replace(scope.filters, level=level),
            threshold=scope.threshold,
        )
        if a.code == region.code
    )
    held = selectors.area_activities(
        office=scope.office, programme=scope.programme, region=region, filters=scope.filters
    )
    activities = Paginator(held, 50).get_page(request.GET.get("page"))
    # Each activity's reach as counted for the area, protected as the area rows are.
    reach = selectors.area_attendance(
        office=scope.office, activities=held, threshold=scope.threshold
    )
    listed = [(a, reach.get(a.pk, 0)) for a in activities.object_list]
    return render(
        request,
        "analytics/area.html",
        {
            "region": region,
            "row": row,
            "activities": activities,
            "listed": listed,
            "query": urlencode(scope.filters.as_query()),
        },
    )


@login_required
@require_GET
def gaps_view(request: HttpRequest) -> HttpResponse:
    membership = _dashboard_member(request)
    programme = programme_of_office(office=membership.office)
    form = FilterForm(request.GET or None, programme=programme)
    filters = form.filters()
    as_of = selectors.reference_day(filters=filters)
    gaps = selectors.gaps(
        office=membership.office,
        programme=programme,
        filters=filters,
        threshold=selectors.small_cell_threshold(membership=membership, office=membership.office),
    )
    return render(
        request,
        "analytics/gaps.html",
        {
            "gaps": gaps,
            "form": form,
            "programme": programme,
            "as_of": as_of,
            "days_left": (programme.voting_day - as_of).days,
            "can_manage": has_right(membership, Right.MANAGE_PROGRAMME),
            "query": urlencode(filters.as_query()),
            "can_export": has_right(membership, Right.EXPORT),
        },
    )


@login_required
@require_GET
@member_required()
def my_gaps(request: MemberRequest) -> HttpResponse:
    """Workspace fragment for coordinators: the gaps in their organisation's areas/segments."""
    membership = request.membership
    gaps = selectors.partner_gaps(membership=membership) if membership.partner_id else []
    return render(request, "analytics/_my_gaps.html", {"gaps": gaps})


# --- Imports ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    membership = require(request_membership(request), Right.MANAGE_PROGRAMME)
    programme = current_programme(office=membership.office)
    form: VoterImportForm | ResultsImportForm
    if kind == ImportKind.VOTERS:
        form = VoterImportForm(request.POST or None, request.FILES or None, programme=programme)
    else:
        form = ResultsImportForm(
            request.POST or None, request.FILES or None, office_id=membership.office_id
        )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            batch = services.figures_import_preview(
                membership=membership,
                kind=kind,
                upload=c["file"],
                election=c.get("election"),
                label=c.get("label") or "",
                year=c.get("year"),
                contest_kind=c.get("contest_kind") or "",
                voting_day=c.get("voting_day"),
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("analytics:import_preview", batch.pk)
    return render(
        request,
        "analytics/import.html",
        {
            "form": form,
            "kind": kind,
            "voters": selectors.voter_count_summary(office=membership.office),
            "results": selectors.results_summary(office=membership.office),
        },
    )


@login_required
@require_GET
@member_required(Right.MANAGE_PROGRAMME)
def import_template(request: MemberRequest, kind: str) -> HttpResponse:
    if kind == ImportKind.VOTERS:
        return template_response(
            services.VOTER_COLUMNS,
            [services.VOTER_EXAMPLE],
            filename="templat-rekap-dpt",
            notes=_(
                "Satu baris per kelurahan. Isi kode Kemendagri, "
                "atau nama kecamatan dan kelurahan.\n"
                "laki_laki + perempuan harus sama dengan jumlah_pemilih. "
                "pemilih_pemula dan jumlah_tps boleh kosong.\n"
                "Impor ulang untuk pemilihan yang sama menggantikan seluruh angka sebelumnya."
            ),
        )
    if kind == ImportKind.RESULTS:
        return template_response(
            RESULT_COLUMNS,
            [RESULT_EXAMPLE],
            filename="templat-hasil-tps",
            notes=_(
                "Satu baris per TPS. Isi kode Kemendagri kelurahan, "
                "atau nama kecamatan dan kelurahan, dan nomor TPS.\n"
                "dpt dan pengguna_hak_pilih wajib; dptb, dpk, pengguna_laki_laki dan "
                "pengguna_perempuan boleh kosong. Pemilih terdaftar = DPT + DPTb + DPK.\n"
                "Impor ulang untuk pemilihan yang sama menggantikan seluruh hasil sebelumnya."
            ),
        )
    raise Http404


@login_required
@require_GET
@member_required()
def import_preview(request: MemberRequest, pk: int) -> HttpResponse:
    # Refusals and unknown batches become 403 and 404 in DomainErrorMiddleware.
    batch = selectors.figures_import_get(membership=request.membership, pk=pk)
    total = sum(r.get("voters_total") or r.get("registered") or 0 for r in batch.rows)
    voted = sum(r.get("voted") or 0 for r in batch.rows)
    return render(
        request, "analytics/import_preview.html", {"batch": batch, "total": total, "voted": voted}
    )


@login_required
@require_POST
@member_required()
def import_confirm(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    try:
        written = services.figures_import_confirm(membership=membership, batch_id=pk)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except NotFoundError:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("analytics:import_preview", pk)
    messages.success(request, _("%(n)d baris tersimpan.") % {"n": written})
    return redirect("analytics:dashboard")


# --- Targets ------------------------------------------------------------------------------


def _service_error(form: forms.Form, exc: DomainError) -> None:
    """A target service's refusal under the field it is about (its code names the field,
    e.g. "value"), else above the form."""
    form.add_error(exc.code if exc.code in form.fields else None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_PROGRAMME)
def targets(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    programme = programme_of_office(office=membership.office)
    form = TargetForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.target_create(
                membership=membership,
                programme=programme,
                metric=c["metric"],
                value=c["value"],
                segment=c.get("segment"),
                theme=c.get("theme"),
                approach=c.get("approach"),
                note=c.get("note", ""),
            )
        except DomainError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Target tersimpan."))
            return redirect("analytics:targets")
    rows = Target.objects.filter(programme=programme).select_related("segment", "theme", "approach")
    return render(
        request, "analytics/targets.html", {"form": form, "targets": rows, "programme": programme}
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_PROGRAMME)
def target_edit(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    target = selectors.office_target(membership=membership, pk=pk)
    if target is None:
        raise Http404
    form = TargetEditForm(
        request.POST or None, initial={"value": target.value, "note": target.note}
    )
    saved = _saved(
        request,
        form,
        lambda: services.target_update(
            membership=membership,
            pk=target.pk,
            value=form.cleaned_data["value"],
            note=form.cleaned_data.get("note", ""),
        ),
        done=_("Target tersimpan."),
        then="analytics:targets",
    )
    return saved or render(request, "analytics/target_edit.html", {"form": form, "target": target})


def _saved(
    request: HttpRequest, form: Any, save: Any, *, done: str, then: str
) -> HttpResponse | None:
    """A posted edit form: the service's write, then the message and the redirect; a
    domain error goes back to the form (None: render the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        save()
    except NotFoundError:
        raise Http404 from None
    except DomainError as exc:
        _service_error(form, exc)
        return None
    messages.success(request, done)
    return redirect(then)


@login_required
@require_POST
@member_required(Right.MANAGE_PROGRAMME)
def target_delete(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    try:
        services.target_delete(membership=membership, pk=pk)
    except NotFoundError:
        raise Http404 from None
    messages.success(request, _("Target dihapus."))
    return redirect("analytics:targets")


# --- Public -------------------------------------------------------------------------------


@require_GET
def public_summary(request: HttpRequest) -> HttpResponseBase:
    if shared_page_allowed(request):
        # The whole page, layout included, once per office and language (as the home and
        # article pages): a visit then costs two cache reads and no query.
        html = figure_cache.cached_located(
            ("summary-page", *shared_variant(request)),
            lambda: _summary_office(request).pk,
            lambda: (
                render_shareable(
                    request,
                    "analytics/summary.html",
                    {"content": _summary_content(request, _summary_office(request))},
                ),
                None,
            ),
        )
        return HttpResponse(personalise(request, html))
    office = _summary_office(request)
    approach = request.GET.get("pendekatan", "")
    options = approach_options(programme=current_programme(office=office))
    if approach and approach not in {o["code"] for o in options}:
        raise Http404  # an unknown approach: nothing to show (and nothing to cache)
    if request.GET.get("format") in ("xlsx", "csv"):
        return exports.summary_table(_public_summary(office, approach)).response(
            request.GET["format"], filename="ringkasan-program"
        )
    content = _summary_content(request, office, approach, options)
    return render(request, "analytics/summary.html", {"content": content})


def _summary_office(request: HttpRequest) -> Any:
    office = request_public_office(request)
    if office is None:
        raise Http404
    return office


def _summary_content(
    request: HttpRequest,
    office: Any,
    approach: str = "",
    options: list[dict[str, str]] | None = None,
) -> SafeString:
    """The summary's body for one approach (or all), the same for every visitor."""

    def compute() -> str:
        found = options
        if found is None:
            found = approach_options(programme=current_programme(office=office))
        return render_to_string(
            "analytics/_summary.html",
            {"s": _public_summary(office, approach), "approaches": found},
            request=request,
        )

    content = figure_cache.cached(office.pk, ("summary", get_language(), approach), compute)
    return mark_safe(content)  # noqa: S308 — rendered by our template above


def _public_summary(office: Any, approach: str = "") -> selectors.PublicSummary:
    summary = selectors.public_summary(office=office, approach=approach)
    if summary is None:
        raise Http404
    return summary


# --- Segment estimates (gap scoring) -------------------------------------------------------


@login_required
@require_GET
@member_required(Right.MANAGE_PROGRAMME)
def segment_shares(request: MemberRequest) -> HttpResponse:
    """Each segment with the voter figure gap scoring uses for it and where it comes from."""
    membership = request.membership
    return render(
        request,
        "analytics/segments.html",
        {"rows": selectors.segment_estimates(office=membership.office)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_PROGRAMME)
def segment_share_edit(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    segment = selectors.office_segment(office=membership.office, pk=pk)
    form = SegmentShareForm(
        request.POST or None,
        initial={"share": segment.voter_share, "source": segment.voter_share_source},
    )
    saved = _saved(
        request,
        form,
        lambda: election_services.segment_voter_share_set(
            membership=membership,
            pk=segment.pk,
            share=form.cleaned_data.get("share"),
            source=form.cleaned_data.get("source", ""),
        ),
        done=_("Perkiraan segmen tersimpan."),
        then="analytics:segments",
    )
    return saved or render(
        request, "analytics/segment_edit.html", {"form": form, "segment": segment}
    )


@login_required
@require_GET
def attendance_differences(request: HttpRequest) -> HttpResponse:
    """The counted activities whose reported and measured attendance differ by > 25 %."""
    scope = _scope(request, _dashboard_member(request))
    rows = selectors.attendance_differences(scope=scope)
    shown = []
    for r in rows:
        reported = selectors.suppress(r.reported, scope.threshold)
        measured = selectors.suppress(r.measured, scope.threshold)
        hidden = isinstance(reported, str) or isinstance(measured, str)
        # A difference of two hidden counts would give them away: shown only for both shown.
        shown.append((r, reported, measured, None if hidden else r.difference_percent))
    return render(
        request,
        "analytics/attendance.html",
        {"rows": shown, "query": urlencode(scope.filters.as_query())},
    )
