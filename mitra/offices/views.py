from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control

from mitra.core.uploads import file_response

from .models import Office


@cache_control(public=True, max_age=3600)
def logo(request: HttpRequest, slug: str) -> FileResponse:
    """The office logo is public branding; it is still served from outside the web root."""
    office = get_object_or_404(Office, slug=slug)
    if not office.logo:
        raise Http404
    return file_response(office.logo)
