from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from mitra.core.uploads import file_response

from .models import HEX_COLOUR, Office


def _image(slug: str, field: str) -> FileResponse:
    office = get_object_or_404(Office, slug=slug)
    image = getattr(office, field)
    if not image:
        raise Http404
    return file_response(image)


@require_safe
@cache_control(public=True, max_age=3600)
def logo(request: HttpRequest, slug: str) -> FileResponse:
    """The office logo is public branding; it is still served from outside the web root."""
    return _image(slug, "logo")


@require_safe
@cache_control(public=True, max_age=3600)
def share_image(request: HttpRequest, slug: str) -> FileResponse:
    """The picture link previews show for the office's pages that have none of their own."""
    return _image(slug, "share_image")


@require_safe
@cache_control(public=True, max_age=86400)
def colours(request: HttpRequest, slug: str) -> HttpResponse:
    """The office's colours as CSS custom properties: a stylesheet, because the
    Content-Security-Policy allows no inline style. Its URL carries the office's version,
    so a change is seen at once despite the long cache."""
    office = get_object_or_404(Office, slug=slug)
    rules = [
        f"{name}: {value};"
        for name, value in (("--red", office.colour_primary), ("--red-dark", office.colour_dark))
        if HEX_COLOUR.fullmatch(value)  # nothing but a colour ever reaches the stylesheet
    ]
    body = ":root { " + " ".join(rules) + " }\n" if rules else ""
    return HttpResponse(body, content_type="text/css; charset=utf-8")
