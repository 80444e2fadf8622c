from __future__ import annotations

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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


def _home_context(request: HttpRequest) -> dict[str, object]:
    office = request_public_office(request)
    programme = current_programme(office=office) if office else None
    countdown = programme_countdown(programme=programme) if programme else None
    context: dict[str, object] = {"office": office, "programme": programme, "countdown": countdown}
    if office is not None:
        context.update(home_sections(office=office, programme=programme))
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
