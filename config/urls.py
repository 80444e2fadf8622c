from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path
from django.views.i18n import set_language

from config.api import api
from mitra.core.views import healthz

# A database outage answers 503 "try again, nothing was saved" instead of a bare 500.
handler500 = "mitra.core.views.server_error"

admin.site.site_header = "Mitra Pemilu"
admin.site.site_title = "Mitra Pemilu"


def _superuser_only(request: HttpRequest) -> bool:
    """Django's back office is a tool for the operators (superusers) only; staff set the
    programme up in the product's own pages, in Indonesian, with its rights and history."""
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superuser_only  # type: ignore[method-assign]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("akun/", include("mitra.accounts.urls")),
    path("", include("mitra.offices.urls")),
    path("program/", include("mitra.elections.urls")),
    path("mitra/", include("mitra.partners.urls")),
    path("kegiatan/", include("mitra.activities.urls")),
    path("hadir/", include("mitra.checkin.urls")),
    path("analitik/", include("mitra.analytics.urls")),
    path("evaluasi/", include("mitra.evaluation.urls")),
    path("notifikasi/", include("mitra.notifications.urls")),
    path("laporan/", include("mitra.reports.urls")),
    path("privasi/", include("mitra.privacy.urls")),
    path("", include("mitra.portal.urls")),
]
