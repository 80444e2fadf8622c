from __future__ import annotations

from django.http import HttpRequest
from django.views.decorators.cache import cache_control
from ninja import Router, Schema
from ninja.decorators import decorate_view

from .selectors import region_children

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None


@router.get("/regions", response=list[RegionOut], auth=None)
@decorate_view(cache_control(public=True, max_age=3600))
def list_regions(request: HttpRequest, parent: str | None = None) -> list[RegionOut]:
    """Children of a region (`parent=32.73` → Bandung's kecamatan); provinces without it."""
    return [
        RegionOut(code=r.code, name=r.name, level=r.level, parent=r.parent_id)
        for r in region_children(parent=parent)
    ]
