"""The JSON API's shared pieces: authentication and the domain-error handler."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, SessionAuth

from mitra.accounts.models import User
from mitra.accounts.services import api_token_authenticate
from mitra.core.errors import DomainError


class TokenAuth(APIKeyHeader):
    """`Authorization: Token <key>` for integrations and scanner devices."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if not key or not key.startswith("Token "):
            return None
        user = api_token_authenticate(key=key.removeprefix("Token ").strip())
        if user is not None:
            request.user = user
            # The membership was bound to the anonymous session user; bind it to the token's.
            from mitra.accounts.selectors import user_membership

            request.membership = user_membership(user=user)  # type: ignore[attr-defined]
        return user


# Browser sessions (with CSRF on unsafe methods) or a token.
authenticated = [SessionAuth(), TokenAuth()]


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

    return api


def problem(detail: str, code: str) -> dict[str, Any]:
    return {"detail": detail, "code": code}
