from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mitra.elections.selectors import current_programme, programme_countdown
from mitra.offices.selectors import public_office
from mitra.portal.selectors import home_sections


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


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    office = public_office()
    programme = current_programme(office=office) if office else None
    countdown = programme_countdown(programme=programme) if programme else None
    context: dict[str, object] = {"office": office, "programme": programme, "countdown": countdown}
    if office is not None:
        context.update(home_sections(office=office, programme=programme))
    return render(request, "core/home.html", context)
