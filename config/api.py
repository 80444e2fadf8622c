"""Mounts every app's API router under /api/v1/ (schema at /api/v1/openapi.json)."""

from mitra.activities.api import router as activities_router
from mitra.analytics.api import router as analytics_router
from mitra.checkin.api import router as checkin_router
from mitra.core.api import create_api
from mitra.evaluation.api import router as evaluation_router
from mitra.partners.api import router as partners_router
from mitra.regions.api import router as regions_router

api = create_api()
api.add_router("", regions_router)
api.add_router("", partners_router)
api.add_router("", activities_router)
api.add_router("", checkin_router)
api.add_router("", analytics_router)
api.add_router("", evaluation_router)
