"""Privacy pages: the public notice, the request flow of the person concerned (request →
one-time code → their data → download, withdraw, ask for correction or erasure), and the
staff's queue, settings and record of processing."""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mitra.accounts.decorators import MemberRequest, member_required
from mitra.accounts.permissions import Right
from mitra.core.errors import DomainError
from mitra.core.middleware import mark_private
from mitra.core.personal_data import consent_purposes
from mitra.offices.selectors import request_public_office

from . import selectors, services
from .forms import CloseForm, CodeForm, FollowUpForm, RequestForm, SettingsForm
from .models import DataRequest, RequestKind, RequestStatus
from .retention import office_settings

# How long a confirmed identity opens the person's data page in that browser.
ACCESS_SECONDS = 3600


def _office_or_404(request: HttpRequest) -> Any:
    office = request_public_office(request)
    if office is None:
        raise Http404
    return office


def notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice for citizens, generated from the declarations and the office's
    settings (so it says what the code does)."""
    office = _office_or_404(request)
    rules = office_settings(office)
    return render(
        request,
        "privacy/notice.html",
        {
            "office": office,
            "rules": rules,
            "rows": selectors.processing_record(settings_row=rules),
            "purposes": consent_purposes(),
            "deadline_hours": settings.PRIVACY_REQUEST_DEADLINE_HOURS,
        },
    )


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    office = _office_or_404(request)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_start(office=office, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("privacy:code", created.token)
    status = 400 if form.errors else 200
    return render(request, "privacy/request_new.html", {"form": form}, status=status)


def _session_key(token: str) -> str:
    return f"privacy-verified:{token}"


def _verified_request(request: HttpRequest, token: str) -> DataRequest:
    """The request, if this browser confirmed its code within the last hour."""
    found = DataRequest.objects.select_related("office").filter(token=token).first()
    stamp = request.session.get(_session_key(token))
    if found is None or found.verified_at is None or stamp is None:
        raise Http404
    if time.time() - float(stamp) > ACCESS_SECONDS:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
def code(request: HttpRequest, token: str) -> HttpResponse:
    found = DataRequest.objects.filter(token=token).first()
    if found is None:
        raise Http404
    if found.status != RequestStatus.UNVERIFIED and _session_key(token) in request.session:
        return redirect("privacy:data", token)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            services.request_code_resend(token=token)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Bila alamat ini tercatat, kode baru telah dikirim."))
        return redirect("privacy:code", token)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_verify(token=token, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            request.session[_session_key(token)] = time.time()
            return redirect("privacy:data", token)
    status = 400 if form.errors else 200
    return mark_private(
        render(request, "privacy/code.html", {"form": form, "req": found}, status=status)
    )


def data(request: HttpRequest, token: str) -> HttpResponse:
    found = _verified_request(request, token)
    subject = selectors.subject_find(
        office_id=found.office_id, channel=found.channel, address=found.address
    )
    services.request_answered(request=found, action="shown")
    found.refresh_from_db()
    return mark_private(
        render(
            request,
            "privacy/data.html",
            {
                "req": found,
                "subject": subject,
                "rows": list(selectors.subject_rows(subject)),
                "follow_form": FollowUpForm(),
                "follow_ups": found.follow_ups.all(),
            },
        )
    )


def download(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    found = _verified_request(request, token)
    subject = selectors.subject_find(
        office_id=found.office_id, channel=found.channel, address=found.address
    )
    services.request_answered(request=found, action=f"exported_{fmt}"[:30])
    if fmt == "json":
        response = HttpResponse(
            json.dumps(selectors.subject_json(subject), ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="data-saya.json"'
        return mark_private(response)
    if fmt != "csv":
        raise Http404
    exporter = selectors.SubjectExporter(subject=subject)
    return mark_private(exporter.response("csv", filename="data-saya"))  # type: ignore[arg-type]


@require_POST
def withdraw(request: HttpRequest, token: str, record_id: int) -> HttpResponse:
    found = _verified_request(request, token)
    try:
        services.consent_withdraw_by_subject(request=found, record_id=record_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Persetujuan ditarik. Kami tidak lagi mengirim pengingat."))
    return redirect("privacy:data", token)


@require_POST
def follow_up(request: HttpRequest, token: str) -> HttpResponse:
    found = _verified_request(request, token)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.request_follow_up(parent=found, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Permintaan Anda diterima dan diproses paling lambat %(hours)s jam.")
                % {"hours": settings.PRIVACY_REQUEST_DEADLINE_HOURS},
            )
    else:
        messages.error(request, _("Pilih jenis permintaan."))
    return redirect("privacy:data", token)


# --- Staff ---------------------------------------------------------------------------------


@login_required
@member_required(Right.HANDLE_DATA_REQUESTS)
def queue(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    now = timezone.now()
    open_requests = list(selectors.requests_queue(membership=membership))
    closed = list(selectors.requests_queue(membership=membership, closed=True)[:50])
    return render(
        request,
        "privacy/queue.html",
        {
            "open_requests": [(r, selectors.hours_left(r, now)) for r in open_requests],
            "closed": closed,
            "deadline_hours": settings.PRIVACY_REQUEST_DEADLINE_HOURS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.HANDLE_DATA_REQUESTS)
def detail(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    found = selectors.request_for_staff(membership=membership, request_id=pk)
    if found is None:
        raise Http404
    close_form = CloseForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "erase":
                services.request_erase(membership=membership, request_id=pk)
                messages.success(request, _("Data orang ini telah dihapus."))
            elif action == "photos":
                ids = [int(v) for v in request.POST.getlist("photo") if v.isdigit()]
                services.request_photos_flag(membership=membership, request_id=pk, evidence_ids=ids)
                messages.success(request, _("Foto ditandai."))
            elif action in ("done", "refuse", "note") and close_form.is_valid():
                note = close_form.cleaned_data["note"]
                if action == "note":
                    services.request_note(membership=membership, request_id=pk, note=note)
                else:
                    services.request_close(
                        membership=membership, request_id=pk, refuse=action == "refuse", note=note
                    )
                messages.success(request, _("Tersimpan."))
            else:
                raise Http404
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("privacy:detail", pk)
    subject = selectors.subject_find(
        office_id=found.office_id, channel=found.channel, address=found.address
    )
    return mark_private(
        render(
            request,
            "privacy/detail.html",
            {
                "req": found,
                "rows": list(selectors.subject_rows(subject)),
                "photos": list(selectors.photos_of(subject=subject)),
                "flagged": {p.pk for p in found.photos.all()},
                "hours_left": selectors.hours_left(found),
                "close_form": CloseForm(),
                "is_erase": found.kind == RequestKind.ERASE,
                "is_open": found.status == RequestStatus.OPEN,
            },
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_USERS)
def settings_page(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    current = office_settings(membership.office)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.privacy_settings_save(
            membership=membership,
            values={name: form.cleaned_data[name] for name in form.Meta.fields},
        )
        messages.success(request, _("Pengaturan data pribadi disimpan."))
        return redirect("privacy:settings")
    return render(request, "privacy/settings.html", {"form": form})


@login_required
@member_required(Right.HANDLE_DATA_REQUESTS)
def processing(request: MemberRequest) -> HttpResponse:
    """The record of processing, generated from the apps' declarations."""
    membership = request.membership
    rules = office_settings(membership.office)
    return render(
        request,
        "privacy/processing.html",
        {
            "rows": selectors.processing_record(settings_row=rules),
            "purposes": consent_purposes(),
            "last_purge": selectors.last_purge(),
        },
    )
