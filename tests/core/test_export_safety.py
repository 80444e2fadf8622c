"""Exports carry hostile text as text: no live formulas, no control characters, no 500."""

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mitra.accounts.services import api_token_create
from mitra.checkin.models import CheckIn, Registration
from mitra.core.exporters import Exporter
from mitra.partners.models import Partner
from tests.checkin.factories import ActivityFactory, CheckinPointFactory, RegistrationFactory
from tests.factories import PartnerCategoryFactory, PartnerFactory

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.test","klik")',
    "+62 SUM(A1)",
    "-2+3",
    "@SUM(A1:A2)",
    "\tnama",
    "\rnama",
]


class _Rows(Exporter):
    def __init__(self, values):
        self.values = values

    def columns(self):
        return ["nilai", "=HEADER()"]

    def rows(self):
        for value in self.values:
            yield [value, 7]


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def test_csv_cells_that_would_run_as_formulas_get_a_leading_apostrophe():
    rows = _csv_rows(_Rows([*HOSTILE, "Budi", "a=b"]).response("csv", filename="x"))
    assert rows[0] == ["nilai", "'=HEADER()"]
    assert [r[0] for r in rows[1:]] == [f"'{v}" for v in HOSTILE] + ["Budi", "a=b"]
    assert {r[1] for r in rows[1:]} == {"7"}  # numbers stay numbers


def test_xlsx_cells_that_would_run_as_formulas_are_typed_as_text():
    sheet = _sheet(_Rows([*HOSTILE, "Budi"]).response("xlsx", filename="x"))
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # (an XML reader turns the lone carriage return into a line feed)
    assert [c.value for c in cells] == [*HOSTILE[:-1], "\nnama", "Budi"]
    assert {c.data_type for c in cells} == {"s"}  # never "f" (formula)
    assert sheet["B1"].data_type == "s" and sheet["B2"].value == 7


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_control_characters_are_removed_when_writing(fmt):
    response = _Rows(["Budi\x0bSantoso", "A\x1b[31mB\x07", "baris\nkedua"]).response(
        fmt, filename="x"
    )
    if fmt == "csv":
        values = [r[0] for r in _csv_rows(response)[1:]]
    else:
        values = [row[0].value for row in _sheet(response).iter_rows(min_row=2)]
    assert values == ["BudiSantoso", "A[31mB", "baris\nkedua"]


@pytest.mark.django_db
def test_attendance_export_with_hostile_names_is_readable_and_inert(
    office, programme, staff_member
):
    activity = ActivityFactory(programme=programme, title='=HYPERLINK("http://x.test","a")')
    for i, name in enumerate(["Budi\x0bSantoso", "=cmd|' /C calc'!A0"]):
        reg = RegistrationFactory(activity=activity, name=name)
        CheckIn.objects.create(
            office=office,
            activity=activity,
            how="ticket",
            registration=reg,
            scanned_at=timezone.now(),
            nonce=f"n{i}",
        )
    client = Client()
    client.force_login(staff_member.user)
    response = client.get(reverse("checkin:export", args=[activity.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = _sheet(response)
    header = [c.value for c in sheet[1]]
    names = [row[header.index("Nama")] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in names] == ["BudiSantoso", "=cmd|' /C calc'!A0"]
    assert all(c.data_type == "s" for c in names)
    assert sheet["A2"].data_type == "s"  # the activity title
    rows = _csv_rows(client.get(reverse("checkin:export", args=[activity.pk, "csv"])))
    assert rows[1][0].startswith("'=HYPERLINK")


@pytest.mark.django_db
def test_partner_export_neutralises_a_coordinators_contact_name(client, staff_member):
    PartnerFactory(office=staff_member.office, contact_name="=cmd|' /C calc'!A0\x0b")
    client.force_login(staff_member.user)
    rows = _csv_rows(client.get(reverse("partners:export", args=["csv"])))
    column = rows[0].index("Narahubung")
    assert rows[1][column] == "'=cmd|' /C calc'!A0"
    sheet = _sheet(client.get(reverse("partners:export", args=["xlsx"])))
    assert sheet.cell(row=2, column=column + 1).data_type == "s"


@pytest.mark.django_db
def test_registration_form_strips_control_characters(client, programme):
    point = CheckinPointFactory(
        activity=ActivityFactory(programme=programme), requires_registration=True
    )
    url = reverse("checkin:register", args=[point.token])
    client.post(url, {"name": "Budi\x0bSantoso\x1b", "consent": "on"})
    assert Registration.objects.get().name == "BudiSantoso"


@pytest.mark.django_db
def test_api_input_strips_control_characters(staff_member):
    category = PartnerCategoryFactory(office=staff_member.office)
    client = Client(HTTP_AUTHORIZATION=f"Token {api_token_create(user=staff_member.user)}")
    body = {"name": "Karang\x0bTaruna", "category": category.code, "contact_name": "Sa\x07ri"}
    response = client.post("/api/v1/partners", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    partner = Partner.objects.get()
    assert (partner.name, partner.contact_name) == ("KarangTaruna", "Sari")
