from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from mitra.accounts.selectors import (
    VIEWING_SESSION_KEY,
    membership_viewing,
    request_membership,
    request_membership_or_none,
)
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.links import site_root
from mitra.core.network import client_ip
from mitra.core.ratelimit import rate_limit_hit

from . import services
from .forms import LoginForm, TotpConfirmForm, TotpRemoveForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        if form.otp_device is not None:
            otp_login(self.request, form.otp_device)
        return response


# Reset mails: at most this many per email address and per client address each hour.
RESET_MAILS_PER_EMAIL = 3
RESET_REQUESTS_PER_ADDRESS = 10


class PasswordResetView(auth_views.PasswordResetView):
    """The link in the mail is built on SITE_URL in production, never on the request's Host
    header (which a client chooses; see mitra/core/links.py), and the mails are throttled
    per address and per email."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if not rate_limit_hit(
            key=f"reset:ip:{client_ip(self.request)}",
            limit=RESET_REQUESTS_PER_ADDRESS,
            period=3600,
        ):
            form.add_error(
                None, _("Terlalu banyak permintaan dari jaringan Anda. Coba lagi dalam satu jam.")
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        email = form.cleaned_data["email"].strip().lower()
        if not rate_limit_hit(key=f"reset:email:{email}", limit=RESET_MAILS_PER_EMAIL, period=3600):
            # The same answer as a sent mail: whether an account exists stays unknown.
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = {"site_url": site_root(self.request)}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in person's workspace: what their role lets them do."""
    return render(
        request, "accounts/home.html", {"membership": request_membership_or_none(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Turn on the optional second factor (an authenticator app) for one's own account."""
    membership = request_membership_or_none(request)
    membership = membership.own if membership is not None else None
    if membership is None or not membership.is_commission:
        messages.error(request, _("Verifikasi dua langkah tersedia untuk akun KPU."))
        return redirect("accounts:home")
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    removing = request.method == "POST" and request.POST.get("action") == "remove"
    remove_form = TotpRemoveForm(request.POST if removing else None)
    if removing and remove_form.is_valid():
        try:
            services.totp_device_remove(
                user=request.user,  # type: ignore[arg-type]
                password=remove_form.cleaned_data["password"],
                token=remove_form.cleaned_data["token"],
            )
        except DomainError as exc:
            remove_form.add_error(None, exc.message)
        else:
            messages.success(request, _("Verifikasi dua langkah dimatikan."))
            return redirect("accounts:totp_setup")
    form = TotpConfirmForm(request.POST if request.method == "POST" and not removing else None)
    if form.is_bound and form.is_valid():
        try:
            device = services.totp_device_confirm(
                user=request.user,  # type: ignore[arg-type]
                token=form.cleaned_data["token"],
            )
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            otp_login(request, device)  # this session has now shown the second factor
            messages.success(request, _("Verifikasi dua langkah aktif."))
            return redirect("accounts:home")
    context: dict[str, object] = {
        "form": form,
        "remove_form": remove_form,
        "confirmed": confirmed,
        "required": membership.office.require_second_factor,
    }
    if not confirmed:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None or request.method == "GET":
            device = services.totp_device_start(user=request.user)  # type: ignore[arg-type]
        secret = base64.b32encode(device.bin_key).decode()
        context["secret"] = secret
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(request, "accounts/totp_setup.html", context)


def _next_url(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


@login_required
@require_POST
def office_view_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Look at an office below one's own (a province's city, the national office's province
    or city), read only, until `office_view_stop`: every page then shows that office."""
    own = request_membership(request).own
    viewing = membership_viewing(home=own, office_id=pk)
    if viewing is None:  # a sibling, another province's city, one's own or one above
        raise NotFoundError(_("Kantor tidak ditemukan di bawah kantor Anda."), code="not_found")
    request.session[VIEWING_SESSION_KEY] = viewing.office.pk
    messages.info(
        request,
        _("Anda melihat %(office)s, hanya baca.") % {"office": viewing.office.name},
    )
    return redirect(_next_url(request, "analytics:dashboard"))


@login_required
@require_POST
def office_view_stop(request: HttpRequest) -> HttpResponse:
    """Back to one's own office."""
    request.session.pop(VIEWING_SESSION_KEY, None)
    return redirect(_next_url(request, "analytics:rollup"))
