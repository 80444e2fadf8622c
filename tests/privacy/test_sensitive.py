"""Age band and disability (children's and health data) leave the person's record only as
counts: no individual entry in any export or API answer for a role without the right."""

from __future__ import annotations

import io
import json
import uuid

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from mitra.accounts.permissions import Right, has_right
from mitra.accounts.services import api_token_create
from mitra.checkin import services as checkin
from tests.checkin.factories import ActivityFactory, CheckinPointFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db
UNDER_17 = "Di bawah 17"


@pytest.fixture
def attended(programme, partner):
    point = CheckinPointFactory(activity=ActivityFactory(programme=programme, partner=partner))
    for i, (band, disability) in enumerate((("u17", True), ("22-30", False))):
        checkin.self_checkin(
            point=point,
            answers=checkin.SelfAnswers(
                age_band=band,
                gender="f",
                kelurahan=None,
                outside_city=True,
                first_time_voter=True,
                disability=disability,
                pledge=True,
                sensitive_consent=True,
            ),
            device_id=f"device-{i}",
            nonce=uuid.uuid4().hex,
        )
    return point.activity


def _export(client, activity, fmt):
    response = client.get(reverse("checkin:export", args=[activity.pk, fmt]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        return content.decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        "\t".join("" if v is None else str(v) for v in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def test_the_right_is_in_the_rights_table(admin_member, staff_member, observer_member):
    assert has_right(admin_member, Right.VIEW_SENSITIVE_DATA)
    assert not has_right(staff_member, Right.VIEW_SENSITIVE_DATA)
    assert not has_right(observer_member, Right.VIEW_SENSITIVE_DATA)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_without_the_right_have_no_individual_age_or_disability(
    client, attended, staff_member, observer_member, admin_member, fmt
):
    for member in (staff_member, observer_member):
        login(client, member)
        text = _export(client, attended, fmt)
        assert UNDER_17 not in text and "Disabilitas" not in text and "Kelompok usia" not in text
        assert "Perempuan" in text  # the rest of the answers are there
    login(client, admin_member)
    text = _export(client, attended, fmt)
    assert UNDER_17 in text and "Disabilitas" in text  # the right holder sees them


def test_api_answers_carry_counts_only(attended, coordinator_member, staff_member):
    for member in (coordinator_member, staff_member):
        api = Client(HTTP_AUTHORIZATION=f"Token {api_token_create(user=member.user)}")
        answer = api.get(f"/api/v1/checkin/activities/{attended.pk}/counts")
        assert answer.status_code == 200
        body = answer.json()
        assert body["disability"] == 1 and body["age_bands"][UNDER_17] == 1  # aggregates
        assert all(isinstance(v, int) for v in body["age_bands"].values())
        dumped = json.dumps(body)
        assert "device" not in dumped and "name" not in dumped


def test_self_checkin_answer_does_not_echo_the_answers(client, programme):
    point = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    body = {
        "token": point.token,
        "nonce": uuid.uuid4().hex,
        "age_band": "u17",
        "gender": "f",
        "kelurahan": "luar",
        "first_time_voter": True,
        "disability": True,
        "sensitive_consent": True,
    }
    answer = client.post("/api/v1/checkin/self", json.dumps(body), content_type="application/json")
    assert answer.status_code == 200
    assert "u17" not in answer.text and "disab" not in answer.text
