"""The public site a request is for: the office its host name or path prefix names
(`mitra.offices.sites`; nothing happens in the default "single" mode)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import get_script_prefix, set_script_prefix
from django.utils.translation import gettext as _

from mitra.core.links import SITE_ROOT_ATTR

from . import sites

# Answers on any host: the load balancer's health check asks by address.
OPEN_PATHS = frozenset({"/healthz"})


class PublicSiteMiddleware:
    """Puts the request's `sites.PublicSite` on it.

    Path mode: `/<office slug>/…` moves the slug into the script prefix (so `reverse()`
    and `{% url %}` give the office's links for the rest of the request) and resolves the
    rest of the path as usual; `/<slug>` gets its slash. Host mode: an unknown host answers
    404 (in the visitor's language: this runs after the language middleware).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        mode = sites.sites_mode()
        if mode == sites.HOST:
            return self._by_host(request)
        if mode == sites.PATH:
            return self._by_path(request)
        return self.get_response(request)

    def _by_host(self, request: HttpRequest) -> HttpResponse:
        site = sites.site_for_host(request.get_host())
        setattr(request, sites.SITE_ATTR, site)
        if not site.root:
            if site.office_id is None and request.path_info not in OPEN_PATHS:
                raise Http404(_("Situs kantor ini tidak ditemukan."))
            setattr(request, SITE_ROOT_ATTR, sites.host_site_root(site))
        return self.get_response(request)

    def _by_path(self, request: HttpRequest) -> HttpResponse:
        segment, slash, rest = request.path_info[1:].partition("/")
        if segment and segment == settings.MITRA_PUBLIC_OFFICE:  # the root office is at "/"
            rest_of_path = request.get_full_path()[len(segment) + 1 :]
            return HttpResponsePermanentRedirect(rest_of_path if slash else "/" + rest_of_path)
        site = sites.site_for_segment(segment)
        setattr(request, sites.SITE_ATTR, site)
        if site.root:
            return self.get_response(request)
        if not slash:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        outer = get_script_prefix()
        request.path_info = "/" + rest
        set_script_prefix(f"{outer}{segment}/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(outer)  # the thread's next request (or test) starts clean
