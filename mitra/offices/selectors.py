"""Reads of offices."""

from __future__ import annotations

from django.conf import settings

from .models import Office


def public_office() -> Office | None:
    """The office the public site speaks for: MITRA_PUBLIC_OFFICE, else the first one."""
    offices = Office.objects.select_related("region")
    if settings.MITRA_PUBLIC_OFFICE:
        return offices.filter(slug=settings.MITRA_PUBLIC_OFFICE).first()
    return offices.order_by("pk").first()
