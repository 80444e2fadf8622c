"""A signed-in person's page kept whole, layout included, until something it shows changes.

The staff lists and the dashboard keep their body per role in the office's figure cache
(`core.office_cache`): every write to the office's records replaces its generation tokens.
Around that body the layout still had to be rendered on every request (menus, links, the
inbox count). Here the whole page is kept too, per person and per everything the layout
shows: their role and partner, the figures read with them (the unread count), the site's
office, the address asked for, the language. It lives under the same office tokens, with
this request's CSRF token and CSP nonce put in when it is served (`core.pagecache`).

A request gets the page rendered as before when the copy could be wrong for it: pending
flash messages, an HTMX request (it asks for a part), links that follow the request's host
(development), a read-only view of an office below one's own, or a person whose figures
were not read with them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from mitra.core import office_cache
from mitra.core.pagecache import personalise, render_shareable, shared_variant
from mitra.offices.selectors import request_public_office

from .backends import PRELOADED_FIGURES
from .decorators import MemberRequest


def member_page(
    request: MemberRequest,
    *,
    template: str,
    parts: tuple[Any, ...],
    content: Callable[[], str],
) -> HttpResponse:
    """`template` around `content()` (its `content`), the body kept per office generation
    under `parts` (everything the body depends on besides the office's records) and the
    whole page per person on top of it."""
    office_id = request.membership.office_id

    def body() -> Any:
        return mark_safe(office_cache.cached(office_id, parts, content))  # noqa: S308 — our templates

    variant = _layout_variant(request)
    if variant is None:
        return render(request, template, {"content": body()})
    html = office_cache.cached(
        office_id,
        ("member-page", template, parts, *variant),
        lambda: render_shareable(request, template, {"content": body()}),
    )
    return HttpResponse(personalise(request, html))


def _layout_variant(request: MemberRequest) -> tuple[Any, ...] | None:
    """Everything the layout around the body shows of this request, or None when this
    request must get a page of its own (see the module's note)."""
    membership = request.membership
    figures = getattr(request.user, PRELOADED_FIGURES, None)
    if (
        settings.ABSOLUTE_URLS_FROM_REQUEST
        or membership.home is not None
        or figures is None
        or getattr(request, "htmx", False)
        or len(get_messages(request))  # type: ignore[arg-type]
    ):
        return None
    site = request_public_office(request)
    site_generation = (
        office_cache.generation(site.pk)
        if site is not None and site.pk != membership.office_id
        else ""
    )
    return (
        request.user.pk,
        membership.pk,
        membership.role,
        membership.partner_id,
        sorted(figures.items()),
        None if site is None else site.pk,
        site_generation,
        request.get_full_path(),
        *shared_variant(request),
    )
