"""Thin views of the reports: ask for a file, watch its progress, download it (with the
right), pick photos, scorecards, letterhead and certificates (a partner's, an activity's
people's), the public verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mitra.accounts.decorators import MemberRequest, member_required
from mitra.accounts.models import Membership, Role
from mitra.accounts.permissions import Right, has_right, require
from mitra.activities.models import APPROVED_OR_LATER
from mitra.analytics.exports import TableExporter
from mitra.core.errors import DomainError
from mitra.core.uploads import file_response
from mitra.elections.selectors import office_programmes, programme_of_office

from . import selectors, services
from .forms import (
    ActivityCertificateForm,
    CertificateForm,
    LetterheadForm,
    PhotoPickForm,
    ProgrammeReportForm,
    RevokeForm,
)
from .models import Certificate, JobStatus, ReportKind


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.VIEW_DASHBOARD)
def index(request: MemberRequest) -> HttpResponse:
    """The programme report: choose the period and format; the recent files."""
    membership = request.membership
    programme = programme_of_office(office=membership.office)
    form = ProgrammeReportForm(
        request.POST or None,
        programme=programme,
        programmes=list(office_programmes(office=membership.office)),
    )
    if request.method == "POST" and form.is_valid():
        kind = (
            ReportKind.PROGRAMME_XLSX
            if form.cleaned_data["format"] == "xlsx"
            else ReportKind.PROGRAMME_PDF
        )
        job = services.job_request(membership=membership, kind=kind, params=form.params().as_json())
        return redirect("reports:job", pk=job.pk)
    return render(
        request,
        "reports/index.html",
        {
            "form": form,
            "programme": programme,
            "jobs": selectors.jobs_recent(membership=membership),
            "can_pick": has_right(membership, Right.REVIEW_ACTIVITIES),
            "can_manage": has_right(membership, Right.MANAGE_PROGRAMME),
        },
    )


@login_required
@require_GET
@member_required()
def job(request: MemberRequest, pk: int) -> HttpResponse:
    found = selectors.job_visible(membership=request.membership, pk=pk)
    return render(request, "reports/job.html", {"job": found})


@login_required
@require_GET
@member_required()
def job_progress(request: MemberRequest, pk: int) -> HttpResponse:
    """The progress bar alone: the job page polls it (HTMX) until the file is ready."""
    found = selectors.job_visible(membership=request.membership, pk=pk)
    return render(request, "reports/_progress.html", {"job": found})


@login_required
@require_GET
@member_required()
def job_download(request: MemberRequest, pk: int) -> HttpResponseBase:
    found = selectors.job_visible(membership=request.membership, pk=pk)
    if found.status != JobStatus.DONE or not found.file:
        raise Http404
    extension = (found.file.name or "").rsplit(".", 1)[-1]
    name = f"{found.get_kind_display().split(' (')[0].lower().replace(' ', '-')}-{found.pk}"
    return file_response(
        found.file, download_name=f"{name}.{extension}", inline=False, personal=True
    )


# --- Photos -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.REVIEW_ACTIVITIES)
def photos(request: MemberRequest, activity_id: int) -> HttpResponse:
    """Pick up to three photos of an activity for the report, with captions."""
    membership = request.membership
    activity, evidence = selectors.pickable_photos(membership=membership, activity_id=activity_id)
    themes = [(t.pk, t.name) for t in activity.themes.all()]
    form = None
    if request.method == "POST":
        evidence_id = int(request.POST.get("evidence") or 0)
        if request.POST.get("action") == "unpick":
            services.photo_unpick(membership=membership, evidence_id=evidence_id)
            return redirect("reports:photos", activity_id=activity.pk)
        form = PhotoPickForm(request.POST, themes=themes, prefix=f"p{evidence_id}")
        if form.is_valid():
            try:
                services.photo_pick(
                    membership=membership,
                    evidence_id=evidence_id,
                    caption=form.cleaned_data["caption"],
                    theme_id=form.cleaned_data["theme"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Foto dipilih untuk laporan."))
                return redirect("reports:photos", activity_id=activity.pk)
    rows = []
    for item in evidence:
        pick = getattr(item, "report_pick", None)
        initial = {"caption": pick.caption, "theme": pick.theme_id} if pick else {}
        bound = form if form is not None and str(item.pk) == request.POST.get("evidence") else None
        rows.append(
            (
                item,
                pick,
                bound or PhotoPickForm(initial=initial, themes=themes, prefix=f"p{item.pk}"),
            )
        )
    return render(
        request,
        "reports/photos.html",
        {"activity": activity, "rows": rows, "limit": selectors.PHOTOS_PER_ACTIVITY},
        status=400 if form is not None and not form.is_valid() else 200,
    )


# --- Scorecards ---------------------------------------------------------------------------

SCORE_COLUMNS = (
    ("name", "Mitra"),
    ("deliverables", "Keluaran (%)"),
    ("activities", "Kegiatan"),
    ("reach", "Jangkauan"),
    ("on_time", "Laporan tepat waktu (%)"),
    ("evidence", "Kelengkapan foto (%)"),
    ("returned", "Laporan dikembalikan"),
)


@login_required
@require_GET
@member_required()
def scorecard_list(request: MemberRequest) -> HttpResponseBase:
    """Staff: every partner ranked (sortable, exportable); a coordinator: their own card."""
    membership = request.membership
    if membership.role == Role.COORDINATOR:
        return redirect("reports:scorecard", partner_id=membership.partner_id)
    sort = request.GET.get("sort", "deliverables")
    sort = sort if sort in selectors.SORTS else "deliverables"
    cards = selectors.scorecards(membership=membership, sort=sort)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        require(membership, Right.EXPORT)
        return TableExporter(
            _("Kartu kinerja"),
            [
                _("Mitra"),
                _("Keluaran disepakati"),
                _("Keluaran tercapai"),
                _("Keluaran (%)"),
                _("Kegiatan"),
                _("Terverifikasi"),
                _("Jangkauan"),
                _("Laporan"),
                _("Laporan tepat waktu"),
                _("Kelengkapan foto (%)"),
                _("Laporan dikembalikan"),
            ],
            (
                [
                    c.partner.name,
                    c.deliverables,
                    c.deliverables_met,
                    c.deliverable_percent,
                    c.activities,
                    c.verified,
                    c.reach,
                    c.reports,
                    c.reports_on_time,
                    c.evidence_percent,
                    c.returned,
                ]
                for c in cards
            ),
        ).response(fmt, filename="kartu-kinerja-mitra")
    return render(
        request,
        "reports/scorecards.html",
        {
            "cards": cards,
            "sort": sort,
            "columns": [(key, _(label)) for key, label in SCORE_COLUMNS],
            "can_export": has_right(membership, Right.EXPORT),
        },
    )


def _scorecard_context(request: MemberRequest, partner_id: int) -> dict[str, object]:
    membership = request.membership
    card = selectors.scorecard(membership=membership, partner_id=partner_id)
    can_issue = has_right(membership, Right.MANAGE_PARTNERS)
    return {
        "s": card,
        "certificates": selectors.certificates_of(membership=membership, partner_id=partner_id),
        "can_issue": can_issue,
        "certificate_form": CertificateForm() if can_issue else None,
        "has_letterhead": selectors.letterhead_of(office=membership.office) is not None,
    }


@login_required
@require_GET
@member_required()
def scorecard(request: MemberRequest, partner_id: int) -> HttpResponse:
    return render(request, "reports/scorecard.html", _scorecard_context(request, partner_id))


@login_required
@require_GET
@member_required()
def scorecard_card(request: MemberRequest, partner_id: int) -> HttpResponse:
    """The scorecard's figures for the partner page (loaded by HTMX)."""
    card = selectors.scorecard(membership=request.membership, partner_id=partner_id)
    return render(request, "reports/_scorecard_card.html", {"s": card})


@login_required
@require_POST
@member_required()
def scorecard_pdf(request: MemberRequest, partner_id: int) -> HttpResponse:
    membership = request.membership
    card = selectors.scorecard(membership=membership, partner_id=partner_id)
    found = services.job_request(
        membership=membership,
        kind=ReportKind.SCORECARD_PDF,
        params={"partner_id": partner_id, "language": request.LANGUAGE_CODE},
        partner=card.partner,
    )
    return redirect("reports:job", pk=found.pk)


# --- Letterhead and certificates ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_PROGRAMME)
def letterhead(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    current = selectors.letterhead_of(office=membership.office)
    initial = (
        {
            "heading": current.heading,
            "address_line": current.address_line,
            "signatory_name": current.signatory_name,
            "signatory_title": current.signatory_title,
        }
        if current
        else {"heading": membership.office.name, "address_line": membership.office.address}
    )
    form = LetterheadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.letterhead_save(membership=membership, **form.cleaned_data)
        messages.success(request, _("Kop surat dan tanda tangan disimpan."))
        return redirect("reports:letterhead")
    return render(
        request,
        "reports/letterhead.html",
        {"form": form, "current": current},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_POST
@member_required(Right.MANAGE_PARTNERS)
def certificate_issue(request: MemberRequest, partner_id: int) -> HttpResponse:
    membership = request.membership
    form = CertificateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tulis untuk apa piagam diberikan."))
        return redirect("reports:scorecard", partner_id=partner_id)
    try:
        certificate = services.certificate_issue(
            membership=membership, partner_id=partner_id, citation=form.cleaned_data["citation"]
        )
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, exc.message)
        return redirect("reports:scorecard", partner_id=partner_id)
    return _certificate_job(request, membership, certificate)


@login_required
@require_http_methods(["GET", "POST"])
@member_required()
def activity_certificates(request: MemberRequest, activity_id: int) -> HttpResponse:
    """The certificates of the people of an activity (speakers, facilitators, volunteers):
    listed for whoever may see the activity (its page loads this by HTMX); staff issue one
    here, then see its PDF being made."""
    membership = request.membership
    activity, certificates = selectors.certificates_of_activity(
        membership=membership, activity_id=activity_id
    )
    can_issue = has_right(membership, Right.MANAGE_PARTNERS)
    form = ActivityCertificateForm(request.POST or None, prefix="cert") if can_issue else None
    if request.method == "POST":
        if form is None:
            require(membership, Right.MANAGE_PARTNERS)  # refuses: the right is missing
        elif form.is_valid():
            try:
                certificate = services.activity_certificate_issue(
                    membership=membership, activity_id=activity.pk, **form.cleaned_data
                )
            except DomainError as exc:
                if exc.status_code != 400:
                    raise
                form.add_error(None, exc.message)
            else:
                return _certificate_job(request, membership, certificate)
    return render(
        request,
        "reports/_activity_certificates.html"
        if request.htmx  # type: ignore[attr-defined]
        else "reports/activity_certificates.html",
        {
            "activity": activity,
            "certificates": certificates,
            "can_issue": can_issue,
            "eligible": activity.status in APPROVED_OR_LATER,
            "form": form,
            "has_letterhead": selectors.letterhead_of(office=membership.office) is not None,
        },
        status=400 if form is not None and form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_POST
@member_required()
def certificate_pdf(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    certificate = selectors.certificate_visible(membership=membership, pk=pk)
    try:
        return _certificate_job(request, membership, certificate)
    except DomainError as exc:  # revoked: not printed again
        if exc.status_code != 400:
            raise
        messages.error(request, exc.message)
        return _certificate_home(certificate)


def _certificate_job(
    request: HttpRequest, membership: Membership, certificate: Certificate
) -> HttpResponse:
    """The certificate's PDF in the reader's language, then its job page."""
    found = services.job_request(
        membership=membership,
        kind=ReportKind.CERTIFICATE_PDF,
        params={"certificate_id": certificate.pk, "language": request.LANGUAGE_CODE},
        partner=certificate.partner,
    )
    return redirect("reports:job", pk=found.pk)


@login_required
@require_POST
@member_required(Right.MANAGE_PARTNERS)
def certificate_revoke(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tulis alasan pencabutan."))
        return _certificate_home(selectors.certificate_visible(membership=membership, pk=pk))
    certificate = services.certificate_revoke(
        membership=membership, certificate_id=pk, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("Piagam dicabut."))
    return _certificate_home(certificate)


def _certificate_home(certificate: Certificate) -> HttpResponse:
    """Where a certificate is listed: its activity's page, or its partner's scorecard."""
    if certificate.activity_id is not None:
        return redirect("activities:detail", certificate.activity_id)
    return redirect("reports:scorecard", partner_id=certificate.partner_id)


@require_GET
def verify(request: HttpRequest, signed: str) -> HttpResponse:
    """Public: is this certificate genuine (and still valid)?"""
    token = services.certificate_token(signed)
    certificate = selectors.certificate_by_token(token=token) if token else None
    return render(
        request,
        "reports/verify.html",
        {"c": certificate},
        status=200 if certificate is not None else 404,
    )
