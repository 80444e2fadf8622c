from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from mitra.core import office_cache
from mitra.core.errors import NotFoundError, PermissionDeniedError
from mitra.core.inputs import nul_message


class OfficeCacheScopeMiddleware:
    """Each office's cache tokens are read once per request (`core.office_cache`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with office_cache.request_scope():
            return self.get_response(request)


class LanguageMiddleware:
    """Indonesian unless the person chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; the commission
    wants Indonesian by default for everyone, with English one click away (the choice is
    kept in the language cookie that `set_language` writes).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class DomainErrorMiddleware:
    """A service's "not found" or "not allowed" that no view caught becomes 404 or 403.

    Views still catch `DomainError` where they can show it as a form error; this is the
    one place that maps the rest to HTTP for every page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFoundError):
            raise Http404(exception.message) from exception
        if isinstance(exception, PermissionDeniedError):
            raise PermissionDenied(exception.message) from exception


class BadInputMiddleware:
    """A NUL byte in the path or a query parameter is refused with 400 naming where it is.

    No page or API call can use one (PostgreSQL cannot even compare text with it), so it is
    refused before any view runs instead of surfacing as a database error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._field_with_nul(request)
        if field is None:
            return self.get_response(request)
        message = f"{field}: {nul_message()}"
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": message, "code": "invalid", "errors": [{"field": field}]}, status=400
            )
        return render(request, "core/bad_request.html", {"message": message}, status=400)

    @staticmethod
    def _field_with_nul(request: HttpRequest) -> str | None:
        if "\x00" in request.path:
            return "path"
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return key.replace("\x00", "")
        return None


def mark_private(response: HttpResponse) -> HttpResponse:
    """No shared cache may keep it and no browser may store it (personal data)."""
    if "Cache-Control" in response:
        del response["Cache-Control"]
    patch_cache_control(response, private=True, no_store=True)
    return response


class PrivateResponseMiddleware:
    """Everything answered to a signed-in person (pages, exports, API calls with a token)
    carries `Cache-Control: private, no-store` unless the view chose otherwise: those
    answers may hold names and contacts, which must not stay in a proxy or on a shared
    computer. Public pages that show personal data (the ticket page) call `mark_private`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if "Cache-Control" not in response and user is not None and user.is_authenticated:
            mark_private(response)
        return response


class PublicGZipMiddleware(GZipMiddleware):
    """Compress the HTML that visitors who are not signed in get, and nothing else.

    BREACH reads a secret out of a compressed page by making the victim's browser request
    it many times with guessed text reflected in it. A visitor's pages carry no secret
    but the CSRF token, which Django masks afresh in every response (and Django's
    GZipMiddleware pads every compressed response with random bytes besides); a signed-in
    page holds personal data and reflects search input, so it is sent uncompressed (and
    docs/deployment.md tells nginx not to compress what the application sends).
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
