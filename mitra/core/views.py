from __future__ import annotations

import logging
import sys

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mitra.core.links import absolute_url
from mitra.core.pagecache import personalise, render_shareable, shared_page_allowed
from mitra.elections.selectors import current_programme, programme_countdown
from mitra.offices.selectors import request_public_office
from mitra.portal.selectors import home_sections

# The home page is the same for every anonymous visitor of one language on one day (the
# countdown changes at midnight in the site's time zone): its HTML is cached that long at
# most HOME_CACHE_SECONDS, and dropped at once when an article or activity is saved or
# deleted (mitra/core/signals.py). Changes that send no signal (bulk updates, a scheduled
# article reaching its time, an activity ending) show within HOME_CACHE_SECONDS.
HOME_CACHE_SECONDS = 30
HOME_VERSION_KEY = "core:home:version"
# How long a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)


def home_cache_clear() -> None:
    """Drop every cached home page (all languages and days) by moving to a new version."""
    try:
        cache.incr(HOME_VERSION_KEY)
    except ValueError:
        cache.set(HOME_VERSION_KEY, 1, None)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "degraded", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _is_outage(exc: BaseException | None) -> bool:
    """A lost or refused database connection (not a broken rule or bad value: those are bugs
    or 4xx, see the API's handlers)."""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON for the API, else a page that needs no database."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "detail": _("Basis data sedang tidak dapat dihubungi; tidak ada yang tersimpan."),
                "code": "unavailable",
                "retryable": True,
            },
            status=503,
        )
    else:
        html = render_to_string("core/unavailable.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: a database outage is a 503 "try again" (its transaction was rolled
    back, so nothing was half written); anything else stays Django's plain 500."""
    if _is_outage(sys.exc_info()[1]):
        logger.warning("database unavailable for %s %s", request.method, request.path)
        return unavailable_response(request)
    return defaults.server_error(request)


def _home_context(request: HttpRequest) -> dict[str, object]:
    office = request_public_office(request)
    programme = current_programme(office=office) if office else None
    countdown = programme_countdown(programme=programme) if programme else None
    context: dict[str, object] = {"office": office, "programme": programme, "countdown": countdown}
    if office is not None:
        context.update(home_sections(office=office, programme=programme))
        context["canonical"] = absolute_url("/", request=request)
    return context


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not shared_page_allowed(request):
        return render(request, "core/home.html", _home_context(request))
    version = cache.get(HOME_VERSION_KEY, 0)
    key = f"core:home:{version}:{get_language()}:{timezone.localdate().isoformat()}"
    html = cache.get(key)
    if html is None:
        html = render_shareable(request, "core/home.html", _home_context(request))
        cache.set(key, html, HOME_CACHE_SECONDS)
    return HttpResponse(personalise(request, html))
