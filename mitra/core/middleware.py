from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

from mitra.accounts.selectors import user_membership


class MembershipMiddleware:
    """Puts the user's role (`request.membership`) on the request, loaded on first use."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: user_membership(user=request.user)
        )
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
