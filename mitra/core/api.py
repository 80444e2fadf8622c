"""The JSON API's shared pieces: the API class and its error handlers (authentication is
`mitra.accounts.api.authenticated`)."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, DataError, IntegrityError, ProgrammingError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError, ValidationErrorContext

from mitra.core.errors import DomainError


class MitraAPI(NinjaAPI):
    """NinjaAPI whose validation errors name the field and say what is wrong in the user's
    language (the default answer is pydantic's English and drops whether a value was null).
    """

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False):
                loc = model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
                errors.append({"field": _field_name(loc), "message": _error_message(dict(error))})
        return ValidationError(errors)


def create_api() -> NinjaAPI:
    api = MitraAPI(
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

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Ninja's own refusals (no credentials, failed CSRF check, unreadable body) in the
        # same {detail, code} shape as every other problem the API answers.
        codes = {400: "bad_request", 401: "unauthenticated", 403: "forbidden"}
        details = {
            400: _("Isi permintaan tidak dapat dibaca."),
            401: _("Perlu masuk atau token API."),
            403: _("Permintaan ditolak (pemeriksaan CSRF gagal atau tidak berhak)."),
        }
        status = exc.status_code
        return api.create_response(
            request,
            {"detail": details.get(status, str(exc)), "code": codes.get(status, "http_error")},
            status=status,
        )

    @api.exception_handler(ValidationError)
    def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            e
            if "field" in e
            else {"field": _field_name(e.get("loc", ())), "message": _error_message(e)}
            for e in exc.errors
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return api.create_response(
            request, {"detail": detail, "code": "invalid", "errors": errors}, status=422
        )

    @api.exception_handler(OverflowError)  # SQLite: a number past 64 bits
    @api.exception_handler(DataError)
    def value_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A value the schema let through but the database cannot hold (the schemas carry
        # the limits, so this is a safety net): the request is wrong, not the server.
        detail = _("Nilai yang dikirim tidak dapat disimpan (terlalu panjang atau di luar batas).")
        return api.create_response(request, {"detail": detail, "code": "invalid"}, status=400)

    @api.exception_handler(DatabaseError)
    def database_unavailable(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
        # A lost or refused connection is an outage the client should retry; a broken rule
        # or a bad query is a bug, not an outage: let it surface as a 500.
        if isinstance(exc, IntegrityError | ProgrammingError):
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


_LOCATIONS = {"body", "query", "path", "form", "header", "cookie", "file", "payload"}


def _field_name(loc: Any) -> str:
    """`["body", "payload", "posts", 0, "url"]` → `posts.0.url`."""
    parts = [str(p) for p in loc]
    while parts and parts[0] in _LOCATIONS:
        parts.pop(0)
    return ".".join(parts) or "body"


def _error_message(error: dict[str, Any]) -> str:
    """Pydantic's error, said in the user's language."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("wajib diisi.")
    if error.get("input", ...) is None and (kind.endswith("_type") or kind.endswith("_parsing")):
        return _("tidak boleh kosong (null).")
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == "string_too_long":
        return _("paling panjang %(n)s karakter.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("paling sedikit %(n)s karakter.") % {"n": ctx.get("min_length")}
    if kind in ("less_than_equal", "less_than"):
        return _("paling besar %(n)s.") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind in ("greater_than_equal", "greater_than"):
        return _("paling kecil %(n)s.") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind.startswith("int_"):
        return _("harus bilangan bulat.")
    if kind in ("enum", "literal_error"):
        return _("nilai tidak dikenal.")
    if kind == "json_invalid":
        return _("isi permintaan bukan JSON yang sah.")
    return _("nilai tidak sah.")
