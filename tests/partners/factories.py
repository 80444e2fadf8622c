"""Factories for partners' agreements, reusing the shared ones in tests/factories.py."""

from __future__ import annotations

import datetime
import io

import factory
from factory.django import DjangoModelFactory

from mitra.partners.models import Agreement, Deliverable
from tests.factories import (  # noqa: F401 - re-exported for the partner tests
    MembershipFactory,
    OfficeFactory,
    PartnerCategoryFactory,
    PartnerFactory,
    ProgrammeFactory,
    SegmentFactory,
    ThemeFactory,
    UserFactory,
)

# The smallest file that sniffs as a real PDF.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement

    partner = factory.SubFactory(PartnerFactory)
    office = factory.SelfAttribute("partner.office")
    number = factory.Sequence(lambda n: f"PKS/{n:03d}/2024")
    signed_on = datetime.date(2024, 10, 8)
    valid_from = datetime.date(2024, 10, 1)
    valid_until = datetime.date(2024, 12, 31)


class DeliverableFactory(DjangoModelFactory):
    class Meta:
        model = Deliverable

    agreement = factory.SubFactory(AgreementFactory)
    metric = "activities_count"
    target = 3


def pdf_upload(name: str = "pks.pdf") -> io.BytesIO:
    file = io.BytesIO(PDF_BYTES)
    file.name = name
    return file


def sheet_csv(rows: list[dict[str, str]], columns: list[str] | None = None) -> io.BytesIO:
    """A CSV upload built from dicts (columns default to the import template's)."""
    import csv

    from mitra.partners.imports import IMPORT_COLUMNS

    columns = columns or IMPORT_COLUMNS
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    file = io.BytesIO(text.getvalue().encode())
    file.name = "mitra.csv"
    return file
