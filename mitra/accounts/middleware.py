"""The middleware that puts a person's role on the request and asks staff for a second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from mitra.accounts import member_cache
from mitra.accounts.models import COMMISSION_ROLES
from mitra.accounts.selectors import session_viewing_office_id, user_membership


class MembershipMiddleware:
    """Puts the user's role (`request.membership`: a Membership or None) on the request.

    Loaded eagerly so `membership is None` means what it says; anonymous visitors without a
    session cost no query. A member of a province or the national office who chose an
    office below theirs gets the read-only view of it (`selectors.membership_viewing`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        request.membership = user_membership(  # type: ignore[attr-defined]
            user=request.user, viewing_office_id=session_viewing_office_id(session)
        )
        return self.get_response(request)


class SecondFactorDeviceMiddleware(OTPMiddleware):
    """django_otp's middleware (`request.user.otp_device`, `is_verified()`), with the device
    a session was verified with read through the member cache instead of a query on every
    request (`member_cache.second_factor_device`)."""

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = (
                member_cache.second_factor_device(
                    user=user, persistent_id=persistent_id, load=self._device_from_persistent_id
                )
                if persistent_id
                else None
            )
            user.otp_device = self._finalize_device(request, user, device)
        return user


class SecondFactorMiddleware:
    """Admins and staff of an office that requires it (`Office.require_second_factor`, on
    unless turned off) work only in a session verified with their authenticator app.

    Someone signed in with a password alone is sent to set up the app (or, with one, was
    already asked for its code at login); until then only that page, signing out and the
    language switch answer. API calls with a browser session get 403; device tokens are
    issued by an admin on the server and are not affected.
    """

    OPEN_URLS = ("accounts:totp_setup", "accounts:logout", "set_language")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._needs_second_factor(request) and request.path not in self._open_paths():
            message = _("Pasang verifikasi dua langkah untuk melanjutkan.")
            if request.path.startswith("/api/"):
                body = {"detail": message, "code": "second_factor_required"}
                return JsonResponse(body, status=403)
            return redirect("accounts:totp_setup")
        return self.get_response(request)

    def _open_paths(self) -> set[str]:
        return {reverse(name) for name in self.OPEN_URLS}

    @staticmethod
    def _needs_second_factor(request: HttpRequest) -> bool:
        membership = getattr(request, "membership", None)
        if membership is not None:
            membership = membership.own  # a read-only view asks what one's own office asks
        user = getattr(request, "user", None)
        return bool(
            membership is not None
            and membership.role in COMMISSION_ROLES
            and membership.office.require_second_factor
            and user is not None
            and not user.is_verified()  # type: ignore[union-attr]
        )
