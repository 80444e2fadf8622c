"""Thin views: forms validate, services write, selectors read, templates render.

Past ~600 lines because every page of the activity workspace (list, calendar, queue,
proposal, life cycle, report, evidence, catalogue of methods, themes and approaches) is a
few lines here; split it by page group when a new group of pages lands.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mitra.accounts.decorators import MemberRequest, member_required
from mitra.accounts.models import Membership
from mitra.accounts.pages import member_page
from mitra.accounts.permissions import Right, has_right
from mitra.core.errors import DomainError, NotFoundError, PermissionDeniedError
from mitra.core.links import site_root
from mitra.core.uploads import file_response
from mitra.elections.models import Theme
from mitra.elections.selectors import current_programme, programme_of_office, programme_themes
from mitra.elections.services import programme_theme_save
from mitra.offices.selectors import request_public_office

from . import lifecycle, selectors, services
from .exports import ActivityExporter
from .forms import (
    ActivityForm,
    ApproachForm,
    CommentForm,
    FilterForm,
    MethodForm,
    PhotoForm,
    ReportForm,
    ThemeForm,
    parse_day,
)
from .forms import kelurahan_options as kelurahan_options_for
from .ical import ical_feed
from .models import (
    APPROVED_OR_LATER,
    MAX_PHOTOS,
    REPORT_DUE_DAYS,
    ActivityStatus,
    Approach,
    Method,
)

S = ActivityStatus
PAGE_SIZE = 50


def _detail_or_404(membership: Membership, activity_id: int) -> Any:
    activity = selectors.activity_detail(membership=membership, activity_id=activity_id)
    if activity is None:
        raise Http404
    return activity


def _domain_response(request: HttpRequest, exc: DomainError, fallback: str) -> HttpResponse:
    """A refused action goes back as a message; not-found and not-allowed become 404/403
    in DomainErrorMiddleware, as on every page."""
    if isinstance(exc, NotFoundError | PermissionDeniedError):
        raise exc
    messages.error(request, exc.message)
    return redirect(fallback)


def _form_error(form: forms.Form, exc: DomainError) -> None:
    """A refusal shown on the form (next to its field where the form knows which);
    not-found and not-allowed go on to DomainErrorMiddleware."""
    if isinstance(exc, NotFoundError | PermissionDeniedError):
        raise exc
    if isinstance(form, ActivityForm):
        form.add_domain_error(exc)
    else:
        form.add_error(None, exc.message)


@login_required
@require_GET
@member_required()
def activity_list(request: MemberRequest) -> HttpResponseBase:
    membership = request.membership
    if request.GET.get("format") in ("csv", "xlsx"):
        return _activity_export(request, membership)
    # The list as this role sees it, rendered once per change of the office's records
    # (every write to its activities, partners, methods, themes, segments or programme
    # replaces the office's generation token, so the next request renders it afresh).
    parts = (
        "activity-list",
        membership.role,
        membership.partner_id,
        sorted(request.GET.lists()),
        get_language(),
        get_script_prefix(),
    )
    return member_page(
        request,
        template="activities/list.html",
        parts=parts,
        content=lambda: _activity_list_content(request, membership),
    )


def _activity_export(request: MemberRequest, membership: Membership) -> HttpResponseBase:
    if not has_right(membership, Right.EXPORT) and not membership.is_coordinator:
        raise PermissionDenied(_("Anda tidak memiliki izin untuk ekspor."))
    filters = FilterForm(request.GET, membership=membership).filters()
    qs = selectors.activity_list(membership=membership, filters=filters)
    fmt = request.GET["format"]
    return ActivityExporter(qs.order_by("-starts_at", "-pk")).response(fmt, filename="kegiatan")


def _activity_list_content(request: HttpRequest, membership: Membership) -> str:
    form = FilterForm(request.GET or None, membership=membership)
    filters = form.filters()
    rows = selectors.activity_list_rows(membership=membership, filters=filters)
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = selectors.activity_list_count(membership=membership, filters=filters)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_to_string(
        "activities/_list.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.activity_page_rows(rows=page.object_list),
            "membership": membership,
            "query": query.urlencode(),
            "can_propose": has_right(membership, Right.PROPOSE_ACTIVITIES),
        },
        request=request,
    )


@login_required
@require_GET
@member_required()
def activity_calendar(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    form = FilterForm(request.GET or None, membership=membership)
    filters = form.filters()
    day = parse_day(request.GET.get("date"))
    view = "week" if request.GET.get("view") == "week" else "month"
    if view == "week":
        start = day - datetime.timedelta(days=day.weekday())
        end = start + datetime.timedelta(days=7)
        weeks = [[start + datetime.timedelta(days=i) for i in range(7)]]
        prev_day, next_day = start - datetime.timedelta(days=7), end
    else:
        weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(day.year, day.month)
        start, end = weeks[0][0], weeks[-1][-1] + datetime.timedelta(days=1)
        first = day.replace(day=1)
        prev_day = (first - datetime.timedelta(days=1)).replace(day=1)
        next_day = (first + datetime.timedelta(days=32)).replace(day=1)
    by_day = selectors.calendar_activities(
        membership=membership, start=start, end=end, filters=filters
    )
    query = request.GET.copy()
    for key in ("date", "view"):
        query.pop(key, None)
    return render(
        request,
        "activities/calendar.html",
        {
            "form": form,
            "view": view,
            "day": day,
            "weeks": [[(d, by_day.get(d, [])) for d in week] for week in weeks],
            "prev_day": prev_day,
            "next_day": next_day,
            "today": timezone.localdate(),
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
@member_required()
def review_queue(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    if not has_right(membership, Right.REVIEW_ACTIVITIES):
        raise PermissionDenied(_("Antrean ini untuk staf KPU."))
    queue = selectors.review_queue(membership=membership)
    notes = selectors.proposal_notes(membership=membership, proposals=queue.proposals)
    rows = [(a, notes[a.pk]) for a in queue.proposals]
    return render(request, "activities/queue.html", {"queue": queue, "proposals": rows})


@login_required
@require_GET
@member_required()
def overdue_list(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    if not has_right(membership, Right.REVIEW_ACTIVITIES):
        raise PermissionDenied(_("Daftar ini untuk staf KPU."))
    rows = selectors.overdue_reports(membership=membership)
    return render(
        request,
        "activities/overdue.html",
        {
            "rows": rows,
            "report_due_days": REPORT_DUE_DAYS,
            "reminder_steps": services.REMINDER_STEPS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required()
def activity_new(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    if not has_right(membership, Right.PROPOSE_ACTIVITIES):
        raise PermissionDenied(_("Anda tidak dapat mengajukan kegiatan."))
    programme = current_programme(office=membership.office)
    if programme is None:
        messages.error(request, _("Belum ada program berjalan."))
        return redirect("activities:list")
    defaults = selectors.proposal_defaults(partner=membership.partner, programme=programme)
    form = ActivityForm(
        request.POST or None,
        membership=membership,
        programme=programme,
        initial=ActivityForm.initial_for_partner(defaults),
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(membership=membership, data=form.to_input())
            if request.POST.get("submit_now"):
                services.activity_submit(membership=membership, activity_id=activity.pk)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Kegiatan disimpan."))
            return redirect("activities:detail", activity.pk)
    return render(request, "activities/form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
@member_required()
def activity_edit(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    activity = _detail_or_404(membership, pk)
    if not services.can_edit(membership, activity):
        messages.error(request, _("Kegiatan ini tidak dapat diubah lagi."))
        return redirect("activities:detail", pk)
    form = ActivityForm(
        request.POST or None,
        membership=membership,
        programme=activity.programme,
        activity=activity,
        initial=ActivityForm.initial_from(activity),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(membership=membership, activity_id=pk, data=form.to_input())
            if request.POST.get("submit_now"):
                services.activity_submit(membership=membership, activity_id=pk)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect("activities:detail", pk)
    return render(request, "activities/form.html", {"form": form, "activity": activity})


@login_required
@require_GET
@member_required()
def kelurahan_options(request: MemberRequest) -> HttpResponse:
    """The kelurahan list of the proposal form for one kecamatan (an HTMX partial)."""
    membership = request.membership
    if not has_right(membership, Right.PROPOSE_ACTIVITIES):
        raise PermissionDenied(_("Anda tidak dapat mengajukan kegiatan."))
    options = kelurahan_options_for(
        office=membership.office, kecamatan=request.GET.get("kecamatan") or None
    )
    return render(request, "activities/_kelurahan_options.html", {"options": options})


def _actions(membership: Membership, activity: Any) -> list[tuple[str, str, bool]]:
    """(action, label, comment box) the member may take now (`lifecycle.STEPS`)."""
    return [
        (step.action, str(step.label), step.comment_asked)
        for step in lifecycle.steps_open(membership, activity)
    ]


@login_required
@require_GET
@member_required()
def activity_detail(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    activity = _detail_or_404(membership, pk)
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            # A missing reverse one-to-one raises a subclass of AttributeError: getattr's
            # default covers it.
            "report": getattr(activity, "report", None),
            "transitions": selectors.activity_transitions(activity=activity),
            "actions": _actions(membership, activity),
            "can_edit": services.can_edit(membership, activity),
            "is_past": activity.starts_at < timezone.now(),
            "can_report": services.can_report(membership, activity),
            "takes_attendance": activity.status in APPROVED_OR_LATER,
            "comment_form": CommentForm(),
            "bands": selectors.age_bands(office=membership.office_id),
        },
    )


@login_required
@require_POST
@member_required()
def activity_action(request: MemberRequest, pk: int, action: str) -> HttpResponse:
    membership = request.membership
    if action not in services.ACTIONS:
        raise Http404
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    back = "activities:queue" if request.POST.get("next") == "queue" else "activities:detail"
    confirming = action == "approve" and has_right(membership, Right.REVIEW_ACTIVITIES)
    if confirming and not request.POST.get("confirm_past"):
        activity = _detail_or_404(membership, pk)
        if activity.status == S.SUBMITTED and activity.starts_at < timezone.now():
            messages.warning(
                request,
                _(
                    "“%(title)s” bertanggal lampau (%(date)s). Centang “tanggal sudah lewat” "
                    "bila tetap ingin menyetujuinya."
                )
                % {
                    "title": activity.title,
                    "date": timezone.localtime(activity.starts_at).strftime("%d-%m-%Y"),
                },
            )
            return redirect(back, *([] if back == "activities:queue" else [pk]))
    try:
        services.activity_act(membership=membership, activity_id=pk, action=action, comment=comment)
    except DomainError as exc:
        return _domain_response(request, exc, reverse("activities:detail", args=[pk]))
    messages.success(request, str(lifecycle.STEPS[action].done))
    if request.POST.get("next") == "queue":
        return redirect("activities:queue")
    return redirect("activities:detail", pk)


@login_required
@require_http_methods(["GET", "POST"])
@member_required()
def report_form(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    activity = _detail_or_404(membership, pk)
    if not has_right(membership, Right.PROPOSE_ACTIVITIES):
        raise PermissionDenied(_("Anda tidak dapat melapor."))
    report = getattr(activity, "report", None)
    bands = selectors.age_bands(office=membership.office_id)
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        bands=bands,
        initial=ReportForm.initial_from(report, list(activity.online_posts.all())),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_submit(
                membership=membership,
                activity_id=pk,
                notes=form.cleaned_data.get("notes") or "",
                attendance_sheet=form.cleaned_data.get("attendance_sheet"),
                posts=form.posts(),
                **form.figures(),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Laporan terkirim. Terima kasih!"))
            return redirect("activities:detail", pk)
    return render(
        request,
        "activities/report.html",
        {
            "activity": activity,
            "report": report,
            "form": form,
            "photo_form": PhotoForm(),
            "photos": list(activity.evidence.all()),
            "max_photos": MAX_PHOTOS,
            "photos_open": activity.status in services.PHOTO_STATUSES,
        },
    )


@login_required
@require_POST
@member_required()
def photo_upload(request: MemberRequest, pk: int) -> HttpResponse:
    """Upload one photo (XHR with progress, or a plain form post without JavaScript)."""
    membership = request.membership
    if not selectors.activity_is_visible(membership=membership, activity_id=pk):
        raise Http404  # another partner's activity: 404 before anything else
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        if wants_json:
            return JsonResponse({"detail": error, "code": "invalid_photo"}, status=400)
        messages.error(request, error)
        return redirect("activities:report", pk)
    try:
        evidence = services.evidence_add(
            membership=membership,
            activity_id=pk,
            photo=form.cleaned_data["photo"],
            shows_children=form.cleaned_data["shows_children"],
            guardian_consent=form.cleaned_data["guardian_consent"],
        )
    except DomainError as exc:
        if isinstance(exc, NotFoundError):
            raise  # DomainErrorMiddleware answers 404
        if wants_json:
            return JsonResponse({"detail": exc.message, "code": exc.code}, status=exc.status_code)
        messages.error(request, exc.message)
        return redirect("activities:report", pk)
    if wants_json:
        return JsonResponse(
            {
                "id": evidence.pk,
                "url": reverse("activities:photo", args=[pk, evidence.pk]),
                "date_mismatch": evidence.date_mismatch,
                "place_mismatch": evidence.place_mismatch,
                "publishable": evidence.publishable,
            },
            status=201,
        )
    messages.success(request, _("Foto diunggah."))
    return redirect("activities:report", pk)


@login_required
@require_POST
@member_required()
def photo_delete(request: MemberRequest, pk: int, evidence_id: int) -> HttpResponse:
    membership = request.membership
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    try:
        services.evidence_delete(membership=membership, activity_id=pk, evidence_id=evidence_id)
    except DomainError as exc:
        if wants_json and not isinstance(exc, NotFoundError | PermissionDeniedError):
            return JsonResponse({"detail": exc.message, "code": exc.code}, status=exc.status_code)
        return _domain_response(request, exc, reverse("activities:report", args=[pk]))
    if wants_json:
        return JsonResponse({"deleted": evidence_id})
    return redirect("activities:report", pk)


@login_required
@require_GET
@member_required()
def photo_file(request: MemberRequest, pk: int, evidence_id: int) -> HttpResponseBase:
    membership = request.membership
    evidence = selectors.activity_evidence(
        membership=membership, activity_id=pk, evidence_id=evidence_id
    )
    if evidence is None:
        raise Http404
    return file_response(
        evidence.file, download_name=f"kegiatan-{pk}-{evidence_id}.jpg", personal=True
    )


@login_required
@require_GET
@member_required()
def sheet_file(request: MemberRequest, pk: int) -> HttpResponseBase:
    membership = request.membership
    report = selectors.activity_report(membership=membership, activity_id=pk)
    if report is None or not report.attendance_sheet:
        raise Http404
    return file_response(report.attendance_sheet, download_name=f"daftar-hadir-{pk}", personal=True)


@require_GET
def ical(request: HttpRequest) -> HttpResponse:
    """iCalendar feed of the public office's approved public activities (no login)."""
    office = request_public_office(request)
    if office is None:
        raise Http404
    body = ical_feed(
        office=office,
        activities=selectors.public_calendar(office=office)[:2000],
        root=site_root(request),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kegiatan.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


# --- Catalogue: methods and themes --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_PROGRAMME)
def method_list(request: MemberRequest) -> HttpResponse:
    """The office's methods (the regulation's, and those staff added); add one."""
    membership = request.membership
    form = MethodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.method_save(membership=membership, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Metode tersimpan."))
            return redirect("activities:methods")
    methods = selectors.office_methods(office=membership.office_id, active_only=False)
    return render(request, "activities/methods.html", {"form": form, "methods": methods})


def _catalogue_edit(
    request: HttpRequest,
    *,
    item: Method | Theme | Approach,
    form_class: type[MethodForm] | type[ThemeForm] | type[ApproachForm],
    save: Callable[[dict[str, Any]], object],
    title: str,
    back: str,
    saved: str,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """The edit page of a method, a theme or an approach: the form is filled from the
    item's fields."""
    initial = model_to_dict(item, fields=list(form_class.base_fields))
    form = form_class(request.POST or None, initial=initial, editing=True, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, saved)
            return redirect(back)
    return render(
        request,
        "activities/catalogue_edit.html",
        {"form": form, "title": title, "item": item, "back": back},
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_PROGRAMME)
def method_edit(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    method = (
        selectors.office_methods(office=membership.office_id, active_only=False)
        .filter(pk=pk)
        .first()
    )
    if method is None:
        raise Http404
    return _catalogue_edit(
        request,
        item=method,
        form_class=MethodForm,
        save=lambda data: services.method_save(membership=membership, method_id=method.pk, **data),
        title=_("Ubah metode"),
        back="activities:methods",
        saved=_("Metode tersimpan."),
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_PROGRAMME)
def theme_list(request: MemberRequest) -> HttpResponse:
    """The programme's themes (fokus sosialisasi); add one."""
    membership = request.membership
    programme = programme_of_office(office=membership.office)
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme_theme_save(membership=membership, programme=programme, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Tema tersimpan."))
            return redirect("activities:themes")
    return render(
        request,
        "activities/themes.html",
        {"form": form, "themes": programme_themes(programme=programme), "programme": programme},
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_PROGRAMME)
def theme_edit(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    programme = programme_of_office(office=membership.office)
    theme = programme_themes(programme=programme).filter(pk=pk).first()
    if theme is None:
        raise Http404
    return _catalogue_edit(
        request,
        item=theme,
        form_class=ThemeForm,
        save=lambda data: programme_theme_save(
            membership=membership, programme=programme, theme_id=theme.pk, **data
        ),
        title=_("Ubah tema"),
        back="activities:themes",
        saved=_("Tema tersimpan."),
    )


# --- Approaches: the programme's grouping of methods ---------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_PROGRAMME)
def approach_list(request: MemberRequest) -> HttpResponse:
    """The programme's approaches with their methods, the methods in none; add one."""
    membership = request.membership
    programme = programme_of_office(office=membership.office)
    form = ApproachForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.approach_save(membership=membership, programme=programme, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Pendekatan tersimpan."))
            return redirect("activities:approaches")
    return render(
        request,
        "activities/approaches.html",
        {
            "form": form,
            "programme": programme,
            "approaches": selectors.approaches_with_methods(programme=programme),
            "unmapped": selectors.methods_without_approach(programme=programme),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_PROGRAMME)
def approach_edit(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    programme = programme_of_office(office=membership.office)
    approach = selectors.approaches_with_methods(programme=programme).filter(pk=pk).first()
    if approach is None:
        raise Http404
    return _catalogue_edit(
        request,
        item=approach,
        form_class=ApproachForm,
        form_kwargs={"membership": membership},
        save=lambda data: services.approach_save(
            membership=membership, programme=programme, approach_id=approach.pk, **data
        ),
        title=_("Ubah pendekatan"),
        back="activities:approaches",
        saved=_("Pendekatan tersimpan."),
    )


@login_required
@require_POST
@member_required(Right.MANAGE_PROGRAMME)
def approach_delete(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    programme = programme_of_office(office=membership.office)
    services.approach_delete(membership=membership, programme=programme, approach_id=pk)
    messages.success(request, _("Pendekatan dihapus; metodenya kini dihitung sebagai Lainnya."))
    return redirect("activities:approaches")
