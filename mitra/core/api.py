"""The JSON API's shared pieces: authentication and the domain-error handler."""

from __future__ import annotations

from django.db import DatabaseError, IntegrityError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, SessionAuth

from mitra.accounts.models import User
from mitra.accounts.services import api_token_member
from mitra.core.errors import DomainError


class TokenAuth(APIKeyHeader):
    """`Authorization: Token <key>` for integrations and scanner devices."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if not key or not key.startswith("Token "):
            return None
        found = api_token_member(key=key.removeprefix("Token ").strip())
        if found is None:
            return None
        user, membership = found
        request.user = user
        # The membership was bound to the anonymous session user; bind it to the token's
        # (fetched with the token in one query).
        request.membership = membership  # type: ignore[attr-defined]
        return user


# A token first (devices send no CSRF token), else the browser session (CSRF-checked).
authenticated = [TokenAuth(), SessionAuth()]


def create_api() -> NinjaAPI:
    api = NinjaAPI(
        title="Mitra Pemilu API",
        version="1",
        description="Partner registry, activities, attendance and public data of the programme.",
        urls_namespace="api",
        docs_url="/docs",
    )

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(
            request, {"detail": exc.message, "code": exc.code}, status=exc.status_code
        )

    @api.exception_handler(DatabaseError)
    def database_unavailable(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
        # A broken rule (IntegrityError) is a bug, not an outage: let it surface as a 500.
        if isinstance(exc, IntegrityError):
            raise exc
        detail = _(
            "Basis data sedang tidak dapat dihubungi. Data tetap tersimpan di perangkat; coba lagi."
        )
        return api.create_response(
            request,
            {"detail": detail, "code": "unavailable", "retryable": True},
            status=503,
        )

    return api
