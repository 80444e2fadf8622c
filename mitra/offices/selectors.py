"""Reads of offices."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest

from .models import Office, OfficeLevel

# Where `request_public_office` keeps the office for the rest of the request.
_REQUEST_ATTR = "_mitra_public_office"


def _public_office_candidates() -> QuerySet[Office]:
    """The rule for the public office: the first of these rows (a city's office before
    the province and national offices a demo adds above it)."""
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


def public_office() -> Office | None:
    """The office the public site speaks for: MITRA_PUBLIC_OFFICE, else the first one."""
    return _public_office_candidates().select_related("region").first()


def public_office_id_query() -> QuerySet[Office, int]:
    """The public office's id as a one-row query, to filter by it without a separate query."""
    return _public_office_candidates().values_list("pk", flat=True)[:1]


def request_public_office(request: HttpRequest) -> Office | None:
    """`public_office()`, read once per request however many views and templates ask."""
    if not hasattr(request, _REQUEST_ATTR):
        setattr(request, _REQUEST_ATTR, public_office())
    office: Office | None = getattr(request, _REQUEST_ATTR)
    return office
