"""Attendance pages: public self check-in and registration, tickets, scanner, management."""

from __future__ import annotations

import io
import uuid
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mitra.accounts.permissions import Right, has_right
from mitra.accounts.selectors import request_membership_or_none
from mitra.core.errors import DomainError
from mitra.core.links import absolute_url, site_root
from mitra.core.middleware import mark_private
from mitra.core.network import client_ip
from mitra.offices import sites
from mitra.offices.selectors import request_public_office_id

from . import selectors, services
from .devices import device_from_request, remember_device
from .exports import AttendanceExporter
from .forms import PointSettingsForm, RegistrationForm, SelfCheckinForm
from .models import PENDING_HOURS, CheckinPoint, RegistrationStatus
from .poster import poster_pdf


def _point_or_404(token: str) -> CheckinPoint:
    point = selectors.point_by_token(token=token)
    if point is None:
        raise Http404(_("Halaman daftar hadir tidak ditemukan."))
    return point


def _voting_day(point: CheckinPoint) -> str:
    return formats.date_format(point.activity.programme.voting_day, "j F Y")


def _too_many(request: HttpRequest, exc: DomainError, point: CheckinPoint) -> HttpResponse:
    return render(
        request,
        "checkin/closed.html",
        {"point": point, "activity": point.activity, "message": exc.message},
        status=exc.status_code,
    )


@require_http_methods(["GET", "POST"])
def self_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind the poster's QR: a short form, one check-in per device."""
    point = _point_or_404(token)
    activity = point.activity
    device_id, new_device = device_from_request(request)
    context: dict[str, Any] = {"point": point, "activity": activity}
    done = not new_device and services.device_checked_in(
        activity_id=activity.pk, device_id=device_id
    )
    if done:
        response = render(request, "checkin/self_done.html", {**context, "repeat": True})
    elif not point.self_checkin or not point.is_open():
        opens, closes = point.window()
        response = render(
            request,
            "checkin/closed.html",
            {**context, "opens": opens, "closes": closes, "not_yet": timezone.now() < opens},
        )
    else:
        form = SelfCheckinForm(
            request.POST or None,
            initial={"nonce": uuid.uuid4().hex},
            city=point.office.region,
            voting_day=_voting_day(point),
        )
        if request.method == "POST":
            try:
                services.rate_limit(key=f"self:{activity.pk}:{client_ip(request)}")
            except DomainError as exc:
                return _too_many(request, exc, point)
        if request.method == "POST" and form.is_valid():
            try:
                _checkin, created = services.self_checkin(
                    point=point,
                    answers=services.SelfAnswers(**form.answers()),
                    device_id=device_id,
                    nonce=form.cleaned_data["nonce"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                response = render(
                    request, "checkin/self_done.html", {**context, "repeat": not created}
                )
                remember_device(response, device_id)
                return response
        response = render(request, "checkin/self_form.html", {**context, "form": form})
    if new_device:
        remember_device(response, device_id)
    return response


def _register_page(request: HttpRequest, point: CheckinPoint) -> HttpResponse:
    """Register for `point`'s activity: the form, and on a good POST the new ticket
    (confirmed, or on the waiting list when full); refused when one address posts too often."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        try:
            services.rate_limit(key=f"reg:{point.activity_id}:{client_ip(request)}")
        except DomainError as exc:
            return _too_many(request, exc, point)
        if form.is_valid():
            try:
                services.rate_limit(
                    key=f"reg-day:{point.activity_id}:{client_ip(request)}",
                    limit=services.REGISTRATIONS_PER_ADDRESS_PER_DAY,
                    period=24 * 3600,
                )
            except DomainError as exc:
                return _too_many(request, exc, point)
            try:
                registration = services.registration_create(point=point, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("checkin:ticket", registration.secret)
    state = selectors.registration_state(point=point)
    return render(
        request,
        "checkin/register.html",
        {
            "point": point,
            "activity": point.activity,
            "form": form,
            "full": state.full,
            "hours": PENDING_HOURS,
        },
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, token: str) -> HttpResponse:
    """Registration behind the poster's QR link (its check-in page links here)."""
    point = _point_or_404(token)
    if not point.requires_registration:
        raise Http404(_("Kegiatan ini tidak membuka pendaftaran."))
    return _register_page(request, point)


@require_http_methods(["GET", "POST"])
def public_register(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Where the form on a public activity's page (portal) posts: the same registration."""
    # With a public site per office, an activity takes registrations on its own office's
    # site only, as its page is shown there only (the id in the address is guessable).
    office_id = (
        None if sites.sites_mode() == sites.SINGLE else request_public_office_id(request) or 0
    )
    point = selectors.public_point(activity_id=activity_id, office_id=office_id)
    if point is None or not point.requires_registration:
        raise Http404(_("Kegiatan ini tidak membuka pendaftaran."))
    return _register_page(request, point)


@require_http_methods(["GET", "POST"])
def ticket(request: HttpRequest, secret: str) -> HttpResponse:
    """The saveable ticket page (its QR holds this page's address); cancel from here."""
    registration = selectors.registration_by_secret(secret=secret)
    if registration is None:
        raise Http404(_("Tiket tidak ditemukan."))
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            services.registration_cancel(secret=secret)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Pendaftaran dibatalkan."))
        return redirect("checkin:ticket", secret)
    url = services.ticket_url(registration, root=site_root(request))
    qr = segno.make(url, error="m")
    response = render(
        request,
        "checkin/ticket.html",
        {
            "registration": registration,
            "activity": registration.activity,
            "qr_uri": qr.png_data_uri(scale=8, border=3),
            "ticket_url": url,
            "statuses": RegistrationStatus,
            "hours": PENDING_HOURS,
            "used": registration.checkins.exists(),
        },
    )
    return mark_private(response)  # the registrant's name and ticket


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of a confirmation message. Opening it shows one button and pressing it takes
    the seat: mail scanners and link previews open links too, and must not confirm."""
    try:
        registration = services.registration_by_confirm_token(token=token)
        if request.method == "POST":
            already = registration.status != RegistrationStatus.PENDING
            registration = services.registration_confirm(token=token)
            messages.success(request, _confirmed_message(registration, already=already))
            return redirect("checkin:ticket", registration.secret)
        if registration.status != RegistrationStatus.PENDING:
            services.registration_confirm_check(registration=registration, now=timezone.now())
            return redirect("checkin:ticket", registration.secret)
        services.registration_confirm_check(registration=registration, now=timezone.now())
    except DomainError as exc:
        response = render(
            request, "checkin/confirm.html", {"message": exc.message}, status=exc.status_code
        )
        return mark_private(response)
    response = render(
        request,
        "checkin/confirm.html",
        {"registration": registration, "activity": registration.activity},
    )
    return mark_private(response)


def _confirmed_message(registration: Any, *, already: bool) -> str:
    if already:
        return _("Pendaftaran ini sudah dikonfirmasi sebelumnya; tidak ada yang berubah.")
    if registration.status == RegistrationStatus.WAITING:
        return _(
            "Kegiatan sudah penuh saat Anda mengonfirmasi: Anda berada di daftar tunggu nomor "
            "%(position)s dan naik otomatis bila ada yang membatalkan."
        ) % {"position": registration.position}
    return _("Pendaftaran terkonfirmasi: tempat Anda dipegang. Tiket juga kami kirim lewat pesan.")


# --- Signed-in pages -----------------------------------------------------------------------


@login_required
def scanner(request: HttpRequest) -> HttpResponse:
    """Ticket scanner and headcount for coordinators and staff; works offline."""
    membership = request_membership_or_none(request)
    if not has_right(membership, Right.SCAN_TICKETS):
        raise Http404
    activities = list(selectors.scanner_activities(membership=membership))
    chosen = None
    raw = request.GET.get("kegiatan", "")
    if raw.isdigit():
        chosen = selectors.managed_activity(membership=membership, activity_id=int(raw))
        if chosen is None:
            raise Http404
    elif len(activities) == 1:
        chosen = activities[0]
    return render(
        request,
        "checkin/scanner.html",
        {
            "activities": activities,
            "chosen": chosen,
            "segments": [
                ("women", _("Perempuan")),
                ("men", _("Laki-laki")),
                ("first_time", _("Pemilih pemula")),
                ("disability", _("Disabilitas")),
                ("general", _("Umum")),
            ],
            "scan_url": reverse("api:checkin_scan"),
            "tally_url": reverse("api:checkin_tally"),
        },
    )


def _managed_or_404(request: HttpRequest, activity_id: int) -> Any:
    activity = selectors.managed_activity(
        membership=request_membership_or_none(request),
        activity_id=activity_id,
    )
    if activity is None:
        raise Http404
    return activity


def _settings_of(point: CheckinPoint | None) -> dict[str, Any]:
    """The settings form's values: the point's, or the model's defaults without one."""
    names = list(PointSettingsForm.base_fields)
    if point is None:
        fields = {f.name: f for f in CheckinPoint._meta.concrete_fields}
        return {n: fields[n].get_default() for n in names}
    return {n: getattr(point, n) for n in names}


def _public_url(point: CheckinPoint, request: HttpRequest) -> str:
    return absolute_url(reverse("checkin:self", args=[point.token]), request=request)


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Attendance of one activity: poster, window, registration settings, counts."""
    membership = request_membership_or_none(request)
    activity = _managed_or_404(request, activity_id)
    # A read: the point exists once the activity is approved (saving the settings creates it
    # for an earlier activity); before that the form shows the defaults and no poster.
    point = selectors.point_of(activity=activity)
    can_edit = has_right(membership, Right.SCAN_TICKETS)
    form = PointSettingsForm(request.POST or None, initial=_settings_of(point))
    if request.method == "POST" and can_edit and membership is not None and form.is_valid():
        try:
            services.checkin_point_update(
                membership=membership, activity_id=activity.pk, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Pengaturan daftar hadir disimpan."))
            return redirect("checkin:manage", activity.pk)
    personal = has_right(membership, Right.VIEW_PERSONAL_DATA)
    opens, closes = point.window() if point is not None else (None, None)
    return render(
        request,
        "checkin/manage.html",
        {
            "activity": activity,
            "point": point,
            "form": form,
            "can_edit": can_edit,
            "opens": opens,
            "closes": closes,
            "public_url": _public_url(point, request) if point is not None else "",
            "personal": personal,
            "registrations": selectors.registrations_of(activity_id=activity.pk)
            if personal
            else [],
            "can_export": has_right(membership, Right.EXPORT),
        },
    )


@login_required
def poster(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _managed_or_404(request, activity_id)
    point = selectors.point_of(activity=activity)
    if point is None:
        raise Http404  # no poster before the activity is approved
    url = _public_url(point, request)
    buffer = io.BytesIO()
    poster_pdf(buffer, point=point, url=url)
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-daftar-hadir-{activity.pk}.pdf"'
    return response


@login_required
def live_counts(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The HTMX partial polled every 10 s on the activity page."""
    activity = _managed_or_404(request, activity_id)
    return render(
        request,
        "checkin/_counts_body.html",
        {"activity": activity, "counts": selectors.checkin_counts(activity_id=activity.pk)},
    )


@login_required
def export(request: HttpRequest, activity_id: int, fmt: str) -> HttpResponse:
    membership = request_membership_or_none(request)
    activity = _managed_or_404(request, activity_id)
    if not has_right(membership, Right.EXPORT):
        raise Http404
    exporter = AttendanceExporter(
        activities=type(activity).objects.filter(pk=activity.pk), membership=membership
    )
    try:
        return exporter.response(fmt, filename=f"kehadiran-{activity.pk}")  # type: ignore[return-value]
    except DomainError as exc:
        raise Http404(exc.message) from exc
