"""How the JSON API knows who calls: an API token or the browser session."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyHeader, SessionAuth

from mitra.accounts.models import User
from mitra.accounts.services import api_token_member


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
