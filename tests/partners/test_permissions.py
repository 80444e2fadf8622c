"""Who reaches which partner page and API endpoint; no IDOR, also by guessed ids."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from mitra.accounts.services import api_token_create
from mitra.partners.models import Agreement, ImportBatch, Partner
from tests.partners.factories import AgreementFactory, MembershipFactory, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(office, partner, categories, segments, other_partner, sibling_partner, staff_member):
    """Partners with agreements (and PDFs) here and in another office; an import batch."""
    from mitra.partners.imports import partner_import_preview
    from mitra.partners.services import agreement_create

    mine = agreement_create(
        membership=staff_member,
        partner_id=partner.pk,
        data={
            "number": "PKS/1",
            "signed_on": None,
            "valid_from": __import__("datetime").date(2024, 10, 1),
            "valid_until": __import__("datetime").date(2024, 12, 31),
        },
        document=_checked_pdf(),
    )
    sibling = AgreementFactory(partner=sibling_partner, document="agreements/sibling.pdf")
    foreign = AgreementFactory(partner=other_partner, document="agreements/foreign.pdf")
    batch = partner_import_preview(
        membership=staff_member, rows=[{"nama": "X", "_row": "2"}], filename="x.csv"
    )
    return {"mine": mine, "sibling": sibling, "foreign": foreign, "batch": batch}


def _checked_pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.partners.factories import PDF_BYTES

    file = SimpleUploadedFile("pks.pdf", PDF_BYTES, content_type="application/pdf")
    file.checked_kind = "pdf"
    return file


def _member(role, office, partner):
    if role == "anonymous":
        return None
    if role == "coordinator":
        return MembershipFactory(office=office, role="coordinator", partner=partner)
    return MembershipFactory(office=office, role=role)


# (name, args builder, methods) for every page of the app.
def _pages(partner, world):
    a = world["mine"]
    return {
        "list": reverse("partners:list"),
        "export_csv": reverse("partners:export", args=["csv"]),
        "export_xlsx": reverse("partners:export", args=["xlsx"]),
        "create": reverse("partners:create"),
        "categories": reverse("partners:categories"),
        "detail": reverse("partners:detail", args=[partner.pk]),
        "edit": reverse("partners:edit", args=[partner.pk]),
        "history": reverse("partners:history", args=[partner.pk]),
        "agreement_create": reverse("partners:agreement_create", args=[partner.pk]),
        "invite": reverse("partners:invite", args=[partner.pk]),
        "agreement_edit": reverse("partners:agreement_edit", args=[a.pk]),
        "agreement_document": reverse("partners:agreement_document", args=[a.pk]),
        "import": reverse("partners:import"),
        "import_template": reverse("partners:import_template"),
    }


# Expected GET status per role for the office's own partner (the coordinator's own).
EXPECTED = {
    "admin": dict.fromkeys(
        [
            "list",
            "export_csv",
            "export_xlsx",
            "create",
            "categories",
            "detail",
            "edit",
            "history",
            "agreement_create",
            "invite",
            "agreement_edit",
            "agreement_document",
            "import",
            "import_template",
        ],
        200,
    ),
    "observer": {
        "list": 200,
        "export_csv": 200,
        "export_xlsx": 200,
        "create": 403,
        "categories": 403,
        "detail": 200,
        "edit": 403,
        "history": 403,
        "agreement_create": 403,
        "invite": 403,
        "agreement_edit": 403,
        "agreement_document": 200,
        "import": 403,
        "import_template": 403,
    },
    "coordinator": {
        "list": 302,
        "export_csv": 403,
        "export_xlsx": 403,
        "create": 403,
        "categories": 403,
        "detail": 200,
        "edit": 200,
        "history": 403,
        "agreement_create": 403,
        "invite": 403,
        "agreement_edit": 403,
        "agreement_document": 200,
        "import": 403,
        "import_template": 403,
    },
}
EXPECTED["staff"] = EXPECTED["admin"]


@pytest.mark.parametrize("role", ["admin", "staff", "observer", "coordinator", "anonymous"])
def test_page_matrix_by_role(client, role, office, partner, world):
    member = _member(role, office, partner)
    if member:
        client.force_login(member.user)
    for name, url in _pages(partner, world).items():
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302, name
            assert reverse("accounts:login") in response["Location"], name
        else:
            assert response.status_code == EXPECTED[role][name], (role, name)


def _foreign_urls(world, ids):
    """Every URL that takes an id, pointed at records the user must not reach."""
    urls = []
    for pk in ids["partners"]:
        for name in ["detail", "edit", "history", "agreement_create", "invite"]:
            urls.append(reverse(f"partners:{name}", args=[pk]))
    for pk in ids["agreements"]:
        for name in ["agreement_edit", "agreement_document"]:
            urls.append(reverse(f"partners:{name}", args=[pk]))
    for pk in ids["batches"]:
        for name in ["import_preview"]:
            urls.append(reverse(f"partners:{name}", args=[pk]))
    return urls


def _unreachable_ids(world, partner, *, coordinator: bool):
    top_partner = Partner.objects.order_by("-pk").first().pk
    top_agreement = Agreement.objects.order_by("-pk").first().pk
    partners = [world["foreign"].partner_id, top_partner + 1, top_partner + 1000, 0]
    agreements = [world["foreign"].pk, top_agreement + 1, 999_999]
    if coordinator:
        partners.append(world["sibling"].partner_id)
        agreements.append(world["sibling"].pk)
    # The batch was uploaded by another staff member: previews belong to their uploader.
    batches = [world["batch"].pk, ImportBatch.objects.order_by("-pk").first().pk + 1]
    return {"partners": partners, "agreements": agreements, "batches": batches}


@pytest.mark.parametrize("role", ["admin", "staff", "observer", "coordinator"])
def test_no_page_reaches_other_organisations(client, role, office, partner, world):
    member = _member(role, office, partner)
    client.force_login(member.user)
    ids = _unreachable_ids(world, partner, coordinator=role == "coordinator")
    for url in _foreign_urls(world, ids):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404), (role, method, url, response.status_code)
    for pk in ids["batches"]:
        for name in ["import_confirm", "import_cancel"]:
            response = client.post(reverse(f"partners:{name}", args=[pk]))
            assert response.status_code in (403, 404), (role, name, pk)
    assert ImportBatch.objects.filter(pk=world["batch"].pk, status="preview").exists()


def _api(client, method, path, token, body=None):
    kwargs = {"headers": {"authorization": f"Token {token}"}} if token else {}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


@pytest.mark.parametrize("role", ["admin", "staff", "observer", "coordinator", "anonymous"])
def test_api_matrix_by_role(client, role, office, partner, world, categories):
    member = _member(role, office, partner)
    token = api_token_create(user=member.user) if member else None
    expected_list = {"anonymous": 401}.get(role, 200)
    response = _api(client, "get", "/partners", token)
    assert response.status_code == expected_list
    if role == "coordinator":
        assert [p["id"] for p in response.json()["items"]] == [partner.pk]
    elif role != "anonymous":
        assert response.json()["count"] == 2  # partner and sibling; not the other office's
    detail = _api(client, "get", f"/partners/{partner.pk}", token)
    assert detail.status_code == {"anonymous": 401}.get(role, 200)
    created = _api(
        client, "post", "/partners", token, {"name": "Baru", "category": categories[0].code}
    )
    assert created.status_code == {"admin": 201, "staff": 201, "anonymous": 401}.get(role, 403)
    patched = _api(client, "patch", f"/partners/{partner.pk}", token, {"contact_name": "Budi"})
    assert patched.status_code == {"observer": 403, "anonymous": 401}.get(role, 200)


@pytest.mark.parametrize("role", ["admin", "staff", "observer", "coordinator"])
def test_no_api_endpoint_reaches_other_organisations(client, role, office, partner, world):
    member = _member(role, office, partner)
    token = api_token_create(user=member.user)
    ids = _unreachable_ids(world, partner, coordinator=role == "coordinator")
    for pk in ids["partners"]:
        assert _api(client, "get", f"/partners/{pk}", token).status_code == 404, (role, pk)
        status = _api(client, "patch", f"/partners/{pk}", token, {"contact_name": "X"}).status_code
        assert status in (403, 404), (role, pk)
    for pk in ids["partners"]:
        assert not Partner.objects.filter(pk=pk, contact_name="X").exists()
    listed = _api(client, "get", "/partners?limit=500", token).json()["items"]
    assert world["foreign"].partner_id not in {p["id"] for p in listed}


def test_coordinator_cannot_change_commission_fields(client, partner, coordinator_member):
    token = api_token_create(user=coordinator_member.user)
    response = _api(client, "patch", f"/partners/{partner.pk}", token, {"status": "ended"})
    assert response.status_code == 400
    assert response.json()["code"] == "field_not_allowed"
    partner.refresh_from_db()
    assert partner.status == "active"


def test_document_is_stored_outside_the_web_root_under_a_random_name(world, settings):
    from pathlib import Path

    name = world["mine"].document.name
    assert name.startswith("agreements/") and "pks" not in name
    path = Path(settings.MEDIA_ROOT) / name
    assert path.exists()
    assert Path(settings.STATIC_ROOT) not in path.parents
    assert not str(path).startswith(str(Path(settings.BASE_DIR) / "static"))


def test_pdf_upload_helper_is_a_real_pdf():
    assert pdf_upload().read().startswith(b"%PDF")
