"""Partner registry pages: thin views over the selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mitra.accounts.decorators import MemberRequest, member_required
from mitra.accounts.models import Membership
from mitra.accounts.pages import member_page
from mitra.accounts.permissions import Right, has_right, require
from mitra.accounts.selectors import request_membership
from mitra.core import office_cache
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.exporters import FORMATS
from mitra.core.links import site_root
from mitra.core.spreadsheets import read_table, template_response
from mitra.core.uploads import file_response

from . import imports, selectors, services
from .exports import PartnerExporter
from .forms import (
    AcceptInvitationForm,
    AgreementForm,
    CategoryForm,
    DeliverableFormSet,
    FilterForm,
    ImportForm,
    InvitationForm,
    PartnerForm,
    deliverable_form_kwargs,
)
from .models import INVITATION_DAYS, Agreement, AgreementStatus, Deliverable, Partner
from .phones import whatsapp_link

PAGE_SIZE = 50
PREVIEW_ROWS = 500

View = Callable[..., HttpResponseBase]


def _filters(
    request: HttpRequest, membership: Membership
) -> tuple[FilterForm, selectors.PartnerFilters]:
    form = FilterForm(request.GET or None, office=membership.office)
    filters = selectors.PartnerFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.PartnerFilters(
            q=data["q"].strip(),
            category=data["category"],
            segment=data["segment"],
            kecamatan=data["kecamatan"],
            status=data["status"],
            agreement_status=data["agreement_status"],
        )
    return form, filters


# --- Registry -----------------------------------------------------------------------------


@login_required
@member_required()
def partner_list(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    if membership.is_coordinator and membership.partner_id:
        return redirect("partners:detail", membership.partner_id)
    require(membership, Right.VIEW_ALL_PARTNERS)
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    # The registry as this role sees it, rendered once per change of the office's records
    # (every write to its partners, categories, agreements or deliverables replaces the
    # office's generation token) and per day (an agreement's status follows the date).
    parts = (
        "partner-list",
        membership.role,
        htmx,
        sorted(request.GET.lists()),
        get_language(),
        timezone.localdate().isoformat(),
        get_script_prefix(),
    )

    def content() -> str:
        return _partner_list_content(request, membership, htmx=htmx)

    if htmx:
        return HttpResponse(office_cache.cached(membership.office_id, parts, content))
    return member_page(request, template="partners/list.html", parts=parts, content=content)


def _partner_list_content(request: HttpRequest, membership: Membership, *, htmx: bool) -> str:
    form, filters = _filters(request, membership)
    counts = selectors.partner_counts(membership=membership, filters=filters)
    queryset = selectors.partner_list(membership=membership, filters=filters)
    paginator = Paginator(queryset.values_list("pk", flat=True), PAGE_SIZE)
    paginator.count = counts["total"]  # already counted; saves a second COUNT(*)
    page = paginator.get_page(request.GET.get("halaman"))
    categories = [
        (name, counts["by_category"].get(pk, 0))
        for pk, name in selectors.partner_filter_options(office=membership.office)["category"]
    ]
    query = request.GET.copy()
    query.pop("halaman", None)
    context = {
        "form": form,
        "page": page,
        "rows": selectors.partner_list_rows(page.object_list),
        "counts": counts,
        "categories": categories,
        "agreement_statuses": [
            (value, label, counts["by_agreement_status"].get(value, 0))
            for value, label in AgreementStatus.choices
        ],
        "query": query.urlencode(),
        "can_manage": has_right(membership, Right.MANAGE_PARTNERS),
        "can_export": has_right(membership, Right.EXPORT),
    }
    template = "partners/_list_results.html" if htmx else "partners/_list.html"
    return render_to_string(template, context, request=request)


@login_required
@member_required()
def partner_export(request: MemberRequest, fmt: str) -> HttpResponse:
    membership = request.membership
    require(membership, Right.EXPORT)
    if fmt not in FORMATS:
        raise Http404
    _form, filters = _filters(request, membership)
    ids = list(
        selectors.partner_list(membership=membership, filters=filters).values_list("pk", flat=True)
    )
    exporter = PartnerExporter(ids, personal=has_right(membership, Right.VIEW_PERSONAL_DATA))
    return exporter.response(fmt, filename="mitra")  # type: ignore[return-value]


@login_required
@member_required()
def partner_detail(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    partner = selectors.partner_get(membership=membership, pk=pk)
    can_manage = has_right(membership, Right.MANAGE_PARTNERS)
    return render(
        request,
        "partners/detail.html",
        {
            "partner": partner,
            "agreements": partner.agreements.all(),
            "can_manage": can_manage,
            "can_edit": can_manage or membership.partner_id == partner.pk,
            "show_contacts": has_right(membership, Right.VIEW_PERSONAL_DATA)
            or membership.partner_id == partner.pk,
            "invitations": selectors.invitation_list(membership=membership, partner=partner)[:10],
            "coordinators": partner.coordinators.select_related("user") if can_manage else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required()
def partner_create(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    require(membership, Right.MANAGE_PARTNERS)
    form = PartnerForm(request.POST or None, office=membership.office)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(membership=membership, data=form.data_for_service())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Mitra %(name)s ditambahkan.") % {"name": partner.name})
            return redirect("partners:detail", partner.pk)
    return render(request, "partners/form.html", {"form": form, "partner": None})


@login_required
@require_http_methods(["GET", "POST"])
@member_required()
def partner_edit(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    partner = selectors.partner_get_editable(membership=membership, pk=pk)
    coordinator = not has_right(membership, Right.MANAGE_PARTNERS)
    form = PartnerForm(
        request.POST or None, instance=partner, office=membership.office, coordinator=coordinator
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(membership=membership, pk=pk, data=form.data_for_service())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Perubahan tersimpan."))
            return redirect("partners:detail", pk)
    return render(request, "partners/form.html", {"form": form, "partner": partner})


@login_required
@member_required()
def partner_history(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    partner, entries = selectors.partner_history(membership=membership, pk=pk)
    return render(request, "partners/history.html", {"partner": partner, "entries": entries})


@login_required
@require_http_methods(["GET", "POST"])
@member_required()
def category_list(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    require(membership, Right.MANAGE_PARTNERS)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_create(membership=membership, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Kategori ditambahkan."))
            return redirect("partners:categories")
    return render(
        request,
        "partners/categories.html",
        {"form": form, "categories": selectors.category_list(office_id=membership.office_id)},
    )


# --- Agreements ---------------------------------------------------------------------------


def _deliverables(formset: Any) -> list[services.DeliverableData]:
    items = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or data.get("target") is None:
            continue
        items.append(
            services.DeliverableData(
                metric=data["metric"],
                target=data["target"],
                theme_id=data.get("theme"),
                segment_id=data.get("segment"),
            )
        )
    return items


def _agreement_page(
    request: HttpRequest, *, partner: Partner, agreement: Agreement | None = None
) -> HttpResponse:
    membership = request_membership(request)
    initial = [
        {"metric": d.metric, "theme": d.theme_id, "segment": d.segment_id, "target": d.target}
        for d in (Deliverable.objects.filter(agreement=agreement) if agreement else [])
    ]
    form = AgreementForm(request.POST or None, request.FILES or None, instance=agreement)
    formset = DeliverableFormSet(
        request.POST or None,
        initial=initial,
        prefix="luaran",
        form_kwargs=deliverable_form_kwargs(office=membership.office),
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "document"}
        document = form.cleaned_data.get("document")
        try:
            if agreement is None:
                agreement = services.agreement_create(
                    membership=membership,
                    partner_id=partner.pk,
                    data=data,
                    deliverables=_deliverables(formset),
                    document=document,
                )
            else:
                services.agreement_update(
                    membership=membership,
                    pk=agreement.pk,
                    data=data,
                    deliverables=_deliverables(formset),
                    document=document,
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Perjanjian tersimpan."))
            return redirect("partners:detail", partner.pk)
    return render(
        request,
        "partners/agreement_form.html",
        {"form": form, "formset": formset, "partner": partner, "agreement": agreement},
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required()
def agreement_create(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    require(membership, Right.MANAGE_PARTNERS)
    partner = selectors.partner_get_plain(membership=membership, pk=pk)
    return _agreement_page(request, partner=partner)


@login_required
@require_http_methods(["GET", "POST"])
@member_required()
def agreement_edit(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    require(membership, Right.MANAGE_PARTNERS)
    agreement = selectors.agreement_get(membership=membership, pk=pk)
    return _agreement_page(request, partner=agreement.partner, agreement=agreement)


@login_required
@member_required()
def agreement_document(request: MemberRequest, pk: int) -> HttpResponseBase:
    """The signed PDF, for the commission and the partner's own coordinators only."""
    agreement = selectors.agreement_get(membership=request.membership, pk=pk)
    if not agreement.document:
        raise Http404
    return file_response(
        agreement.document, download_name=f"PKS-{agreement.partner.code}.pdf", personal=True
    )


# --- Coordinator invitations --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@member_required()
def invitation_create(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    require(membership, Right.MANAGE_PARTNERS)
    partner = selectors.partner_get_plain(membership=membership, pk=pk)
    form = InvitationForm(request.POST or None, initial={"email": partner.email})
    context: dict[str, Any] = {
        "form": form,
        "partner": partner,
        "invitation_days": INVITATION_DAYS,
    }
    if request.method == "POST" and form.is_valid():
        try:
            _invitation, token = services.invitation_create(
                membership=membership,
                partner_id=partner.pk,
                email=form.cleaned_data["email"],
                root=site_root(request),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            url = services.invitation_url(token, root=site_root(request))
            message = services.invitation_message(partner=partner, url=url)
            context.update(
                link=url,
                whatsapp_url=whatsapp_link(partner.whatsapp, message),
                email=form.cleaned_data["email"],
            )
    return render(request, "partners/invite.html", context)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_find(token=token)
    except NotFoundError:
        raise
    except DomainError as exc:
        return render(request, "partners/invite_accept.html", {"error": exc.message}, status=410)
    signed_in = request.user.is_authenticated
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if signed_in:
        form.fields.clear()
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                password=form.cleaned_data.get("password1", ""),
                full_name=form.cleaned_data.get("full_name", ""),
                current_user=request.user if signed_in else None,  # type: ignore[arg-type]
            )
        except NotFoundError:
            raise
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            from django.contrib.auth import login

            if not signed_in:
                login(request, user, backend="mitra.accounts.backends.MemberBackend")
            messages.success(request, _("Akun koordinator Anda siap."))
            return redirect("partners:detail", invitation.partner_id)
    return render(request, "partners/invite_accept.html", {"form": form, "invitation": invitation})


# --- Import ---------------------------------------------------------------------------------


@login_required
@member_required()
def import_template(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    require(membership, Right.MANAGE_PARTNERS)
    # No code in the example: a code left in by mistake would update that partner.
    example = [
        "",
        _("Contoh: Karang Taruna Sukasari (hapus baris ini)"),
        "Kepemudaan",
        "aktif",
        "Sukasari",
        "Gegerkalong; Isola",
        "Pemilih Muda; Komunitas",
        "Asep Sunandar",
        "0812-3456-7890",
        "karangtaruna@example.org",
        "@kt_sukasari",
        "",
        "",
        "",
        "120",
        "Organisasi pemuda tingkat kecamatan",
    ]
    notes = "\n".join(
        [
            _("Satu baris per organisasi mitra. Kolom 'nama' wajib."),
            _("'kode' adalah kunci tetap: impor ulang dengan kode sama memperbarui mitra itu."),
            _("Tanpa kode, mitra dicocokkan dengan nama di kantor ini."),
            _("Kategori, kecamatan, kelurahan, segmen: nama atau kode; pisahkan dengan ';'."),
            _("Status: calon, aktif, ditangguhkan, berakhir."),
            _("WhatsApp: nomor Indonesia, mis. 0812… atau +62812…"),
        ]
    )
    return template_response(
        imports.IMPORT_COLUMNS,
        [example],
        filename="templat-impor-mitra",
        notes=notes,
        choices=selectors.import_choices(office=membership.office),
        free_text=("kecamatan",),  # several kecamatan may be listed, separated by ';'
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required()
def import_upload(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    require(membership, Right.MANAGE_PARTNERS)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_table(upload)
                batch = imports.partner_import_preview(
                    membership=membership, rows=rows, filename=upload.name or "impor"
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                url = reverse("partners:import_preview", args=[batch.pk])
                if wants_json:
                    return JsonResponse({"redirect": url})
                return redirect(url)
        if wants_json:
            errors = [str(e) for errors in form.errors.values() for e in errors]
            return JsonResponse({"errors": errors}, status=400)
    return render(request, "partners/import.html", {"form": form})


@login_required
@member_required()
def import_preview(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    batch = selectors.import_batch_get(membership=membership, pk=pk)
    show = request.GET.get("tampil", "")
    rows = [r for r in batch.preview if not show or r["status"] == show]
    shown = [
        {**row, "changed": services.field_labels(row["changed"])} for row in rows[:PREVIEW_ROWS]
    ]
    return render(
        request,
        "partners/import_preview.html",
        {
            "batch": batch,
            "rows": shown,
            "hidden": max(0, len(rows) - PREVIEW_ROWS),
            "show": show,
            # All or nothing: a single row in error blocks the whole file.
            "writable": 0
            if batch.counts.get("error", 0)
            else batch.counts.get("new", 0) + batch.counts.get("update", 0),
        },
    )


@login_required
@require_POST
@member_required()
def import_confirm(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    try:
        counts = imports.partner_import_confirm(membership=membership, batch_id=pk)
    except services.PartnerError as exc:
        messages.error(request, exc.message)
        return redirect("partners:import_preview", pk)
    messages.success(
        request,
        _("Impor selesai: %(new)d mitra baru, %(update)d diperbarui, %(unchanged)d tidak berubah.")
        % counts,
    )
    return redirect("partners:list")


@login_required
@require_POST
@member_required()
def import_cancel(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    selectors.import_batch_get(membership=membership, pk=pk)
    imports.partner_import_cancel(membership=membership, batch_id=pk)
    messages.info(request, _("Impor dibatalkan; tidak ada data yang ditulis."))
    return redirect("partners:import")
