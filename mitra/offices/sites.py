"""A public site per office: which office a request's host name or path prefix names.

`settings.MITRA_PUBLIC_SITES` chooses the mode (docs/deployment.md, "Many offices, one
install"):

- "single" (the default): one public site, for MITRA_PUBLIC_OFFICE (else the first office).
- "path": every office under SITE_URL/<slug>/, MITRA_PUBLIC_OFFICE's (the root office,
  usually the national one) at SITE_URL itself. `PublicSiteMiddleware` moves the slug into
  the script prefix, so every `reverse()` and `{% url %}` of the request carries it.
- "host": every office under its own host name: MITRA_PUBLIC_HOSTS (host → slug) first,
  then <slug>.<MITRA_PUBLIC_HOST_DOMAIN>; the root office on SITE_URL's host.

A host or prefix is turned into an office id once per request, through the shared cache
(a visit costs one cache read, not a query); `selectors.request_public_office` loads the
office itself when a page needs more than its id. Saving or deleting an office forgets its
cached lookups (`connect`, from `OfficesConfig.ready`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.urls import URLPattern, URLResolver, get_resolver, get_script_prefix, reverse

from mitra.core.links import absolute_url, site_root

from .models import Office, OfficeLevel

logger = logging.getLogger(__name__)

SINGLE, HOST, PATH = "single", "host", "path"
# Where the middleware leaves the request's site (a `PublicSite`).
SITE_ATTR = "mitra_public_site"
LOOKUP_SECONDS = 300  # bounds a lost invalidation; saves and deletes forget at once
_NONE = 0  # cached "no office by that name" (office ids start at 1)


@dataclass(frozen=True)
class PublicSite:
    """The public site a request is for: the root office's (SITE_URL itself) or the site of
    the office named `slug` (`office_id` None when no office has that slug)."""

    root: bool
    slug: str = ""
    office_id: int | None = None


ROOT_SITE = PublicSite(root=True)


def sites_mode() -> str:
    return str(settings.MITRA_PUBLIC_SITES)


def root_office_candidates() -> QuerySet[Office]:
    """The rule for the root office (the single site's): the first of these rows (a city's
    office before the province and national offices a demo adds above it)."""
    offices = Office.objects.annotate(
        upper=Case(
            When(level=OfficeLevel.CITY, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("upper", "pk")
    if settings.MITRA_PUBLIC_OFFICE:
        return offices.filter(slug=settings.MITRA_PUBLIC_OFFICE)
    return offices


# --- Cached lookups -------------------------------------------------------------------------


def _key(kind: str, value: str = "") -> str:
    return f"offices:site:{kind}:{value}"


def _cached_id(key: str, find: Callable[[], int | None]) -> int | None:
    """`find()`, kept in the shared cache; a cache outage costs the query, never the page."""
    try:
        found = cache.get(key)
    except Exception:
        logger.exception("site lookup cache unavailable")
        return find()
    if found is None:
        found = find() or _NONE
        try:
            cache.set(key, found, LOOKUP_SECONDS)
        except Exception:
            logger.exception("site lookup cache unavailable")
    return int(found) or None


def root_office_id() -> int | None:
    return _cached_id(
        _key("root"), lambda: root_office_candidates().values_list("pk", flat=True).first()
    )


def office_id_by_slug(slug: str) -> int | None:
    return _cached_id(
        _key("slug", slug),
        lambda: Office.objects.filter(slug=slug).values_list("pk", flat=True).first(),
    )


def _forget(slug: str) -> None:
    cache.delete_many([_key("root"), _key("slug", slug)])


def _office_changed(sender: Any, instance: Office, **kwargs: Any) -> None:
    """Now, and again after the commit (a request in between may cache the old answer)."""
    if kwargs.get("raw"):
        return
    slug = instance.slug
    _forget(slug)
    transaction.on_commit(lambda: _forget(slug))


def connect() -> None:
    post_save.connect(_office_changed, sender=Office, dispatch_uid="offices-site-save")
    post_delete.connect(_office_changed, sender=Office, dispatch_uid="offices-site-delete")


# --- Host mode ------------------------------------------------------------------------------


def _site_url_host() -> str:
    return (urlsplit(str(settings.SITE_URL)).hostname or "").lower()


def site_for_host(host: str) -> PublicSite:
    """The site a host name (with or without port) is for."""
    domain, _port = split_domain_port(host)
    suffix = "." + settings.MITRA_PUBLIC_HOST_DOMAIN
    if domain in settings.MITRA_PUBLIC_HOSTS:
        slug = settings.MITRA_PUBLIC_HOSTS[domain]
    elif domain == _site_url_host():
        return ROOT_SITE
    elif settings.MITRA_PUBLIC_HOST_DOMAIN and domain.endswith(suffix):
        slug = domain.removesuffix(suffix)
        if "." in slug:
            return PublicSite(root=False, slug=slug)
    else:
        return PublicSite(root=False)
    if slug == settings.MITRA_PUBLIC_OFFICE:
        return ROOT_SITE
    return PublicSite(root=False, slug=slug, office_id=office_id_by_slug(slug))


def host_site_root(site: PublicSite) -> str:
    """Scheme and host of a host-mode site, from the configuration (never the Host header)."""
    root = str(settings.SITE_URL).rstrip("/")
    if site.root:
        return root
    return f"{urlsplit(root).scheme}://{office_host(site.slug)}"


def office_host(slug: str) -> str:
    """An office's own host name ("" when the configuration gives it none)."""
    if slug == settings.MITRA_PUBLIC_OFFICE:
        return _site_url_host()
    for host, mapped in settings.MITRA_PUBLIC_HOSTS.items():
        if mapped == slug:
            return str(host)
    if settings.MITRA_PUBLIC_HOST_DOMAIN:
        return f"{slug}.{settings.MITRA_PUBLIC_HOST_DOMAIN}"
    return ""


# --- Path mode ------------------------------------------------------------------------------


def _first_segments(patterns: Iterable[URLPattern | URLResolver], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if isinstance(pattern, URLResolver) and "/" not in route:
            found |= _first_segments(pattern.url_patterns, route)
        elif route:
            found.add(route.split("/")[0])
    return found


@functools.cache
def reserved_segments() -> frozenset[str]:
    """The first path segments the URL configuration uses itself (`berita`, `akun`, …):
    never read as an office slug, so no office can hide a page of the root site."""
    return frozenset(_first_segments(get_resolver().url_patterns))


def site_for_segment(segment: str) -> PublicSite:
    """The site of a path's first segment: an office's, or the root site's."""
    if not segment or segment in reserved_segments() or segment == settings.MITRA_PUBLIC_OFFICE:
        return ROOT_SITE
    office_id = office_id_by_slug(segment)
    return PublicSite(root=False, slug=segment, office_id=office_id) if office_id else ROOT_SITE


# --- Links between the offices' sites -----------------------------------------------------


def is_root_office(office: Office) -> bool:
    if settings.MITRA_PUBLIC_OFFICE:
        return office.slug == settings.MITRA_PUBLIC_OFFICE
    return office.pk == root_office_id()


def office_site_root(*, office: Office, request: HttpRequest | None = None) -> str:
    """Where `office`'s public site starts (scheme, host and, in path mode, its prefix;
    no trailing slash), for links from another office's site; "" when it has none (in
    single mode only the root office has a site)."""
    mode = sites_mode()
    if mode == HOST:
        base = urlsplit(site_root(request))
        host = office_host(office.slug)
        if not host:
            return ""
        if request is not None and settings.ABSOLUTE_URLS_FROM_REQUEST and base.port:
            host = f"{host}:{base.port}"  # development: the port the site is served on
        return f"{base.scheme}://{host}"
    base_root = site_root(request)
    if is_root_office(office):
        return base_root
    return f"{base_root}/{office.slug}" if mode == PATH else ""


def office_url(
    *,
    office: Office,
    viewname: str,
    kwargs: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> str:
    """The absolute link to a page (`reverse(viewname, kwargs=…)`) on `office`'s site,
    from any site's request; "" when the office has no site."""
    root = office_site_root(office=office, request=request)
    if not root:
        return ""
    route = reverse(viewname, kwargs=kwargs).removeprefix(get_script_prefix())
    return f"{root}/{route}"


def public_url(path: str, *, office_id: int | None) -> str:
    """An absolute link to a public page (`path` from `reverse()` outside a request) on the
    site of the office it belongs to: what messages sent in the background carry. SITE_URL
    in single mode (no query) and for the root office."""
    if office_id is None or sites_mode() == SINGLE:
        return absolute_url(path)
    office = Office.objects.only("pk", "slug").filter(pk=office_id).first()
    root = office_site_root(office=office) if office else ""
    return absolute_url(path, root=root)
