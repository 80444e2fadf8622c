"""Pages rendered once and served to many anonymous visitors.

The cached HTML carries placeholders where per-request values go (the CSRF token and the
CSP nonce); `personalise` puts this request's values in before the page is sent. A part of
a page that changes by itself at a known time (a registration window closing) says so
with `holds_until`, and the page's copy is not served past it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "\u2063MITRA-CSRF\u2063"
NONCE_PLACEHOLDER = "\u2063MITRA-NONCE\u2063"


def shared_page_allowed(request: HttpRequest) -> bool:
    """Whether this request may get (and fill) the shared copy of a page.

    Signed-in people, query strings and pending flash messages get a page of their own;
    so does everyone where links follow the request's host (development: the copy would
    carry the first visitor's host).
    """
    return (
        not settings.ABSOLUTE_URLS_FROM_REQUEST
        and not request.user.is_authenticated
        and not request.GET
        and not len(get_messages(request))  # type: ignore[arg-type]
    )


def render_shareable(request: HttpRequest, template: str, context: dict[str, Any]) -> str:
    """Render with placeholders instead of this request's CSRF token and CSP nonce."""
    return render_to_string(
        template,
        {**context, "csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER},
        request=request,
    )


def personalise(request: HttpRequest, html: str) -> str:
    """Put this request's CSRF token and (only if the page uses one) CSP nonce in."""
    html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in html:  # reading the nonce adds it to the CSP header
        html = html.replace(NONCE_PLACEHOLDER, str(request.csp_nonce))  # type: ignore[attr-defined]
    return html


# Where a rendering notes until when its shared copy holds (see `holds_until`).
_HOLDS_UNTIL_ATTR = "_mitra_page_holds_until"


def holds_until(request: HttpRequest | None, when: datetime.datetime) -> None:
    """Note that what is being rendered for this request changes by itself at `when` (a
    registration window closing, say): a shared copy of the page is kept no longer."""
    if request is None:
        return
    found: datetime.datetime | None = getattr(request, _HOLDS_UNTIL_ATTR, None)
    if found is None or when < found:
        setattr(request, _HOLDS_UNTIL_ATTR, when)


def held_until(request: HttpRequest) -> datetime.datetime | None:
    """The earliest `holds_until` noted while rendering this request (None: none)."""
    found: datetime.datetime | None = getattr(request, _HOLDS_UNTIL_ATTR, None)
    return found


def shared_variant(request: HttpRequest) -> tuple[str, ...]:
    """What a shared copy of a page differs by besides the page itself: the language, and
    which site it is (host, script prefix, the configured public office)."""
    return (
        get_language(),
        request.get_host(),
        get_script_prefix(),
        str(getattr(settings, "MITRA_PUBLIC_OFFICE", "")),
    )
