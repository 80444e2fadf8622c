from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# How long a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)


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
