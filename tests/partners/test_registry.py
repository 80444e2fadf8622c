"""The staff registry: filters, counts, export, query counts, edits, phone validation, history."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mitra.partners.models import Partner
from mitra.partners.phones import whatsapp_normalize
from mitra.partners.services import PartnerError, partner_create, partner_update
from mitra.regions.models import Region
from tests.partners.factories import AgreementFactory, MembershipFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("81234567890", "+6281234567890"),
        ("6281234567890.0", "+6281234567890"),
        ("", ""),
    ],
)
def test_whatsapp_numbers_are_stored_in_e164(raw, e164):
    assert whatsapp_normalize(raw) == e164


@pytest.mark.parametrize("raw", ["12345", "0812", "nomor saya", "+1 202"])
def test_invalid_whatsapp_numbers_are_refused(raw, staff_member, categories):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        whatsapp_normalize(raw)
    with pytest.raises(PartnerError) as exc:
        partner_create(
            membership=staff_member,
            data={"name": "X", "category": categories[0].pk, "whatsapp": raw},
        )
    assert exc.value.code == "invalid_phone"


def test_the_edit_form_rejects_a_bad_number_and_keeps_the_rest(client, staff_member, partner):
    client.force_login(staff_member.user)
    response = client.post(
        reverse("partners:edit", args=[partner.pk]),
        {
            "code": partner.code,
            "name": "Nama Diketik",
            "category": partner.category_id,
            "status": "active",
            "whatsapp": "12345",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nomor WhatsApp tidak valid" in html
    assert 'value="Nama Diketik"' in html


@pytest.fixture
def registry(office, categories, segments, staff_member):
    sukasari = Region.objects.get(code="32.73.01")
    gegerkalong = Region.objects.get(code="32.73.01.1002")
    coblong = Region.objects.get(code="32.73.02")
    a = PartnerFactory(office=office, name="Alpha Pemuda", category=categories[0])
    a.segments.set([segments[0]])
    a.areas.set([gegerkalong])
    b = PartnerFactory(office=office, name="Beta Lainnya", category=categories[1])
    b.segments.set([segments[1]])
    b.areas.set([coblong])
    AgreementFactory(partner=b)
    c = PartnerFactory(office=office, name="Gamma Pemuda", category=categories[0])
    c.areas.set([sukasari])
    PartnerFactory()  # another office
    return a, b, c


def _names(response):
    """The partners' names in the list's rows (read from the page: a page served from the
    cache renders no template to read a context from)."""
    assert response.status_code == 200
    return re.findall(r'<td><a href="/mitra/\d+/">([^<]*)</a>', response.content.decode())


def test_filters_and_counts(client, staff_member, registry, categories, segments):
    client.force_login(staff_member.user)
    url = reverse("partners:list")
    response = client.get(url)
    assert _names(response) == ["Alpha Pemuda", "Beta Lainnya", "Gamma Pemuda"]
    assert response.context["counts"]["total"] == 3
    assert response.context["counts"]["by_agreement_status"]["expired"] == 1
    assert response.context["counts"]["by_agreement_status"]["none"] == 2
    assert _names(client.get(url, {"category": categories[0].pk})) == [
        "Alpha Pemuda",
        "Gamma Pemuda",
    ]
    assert _names(client.get(url, {"segment": segments[1].pk})) == ["Beta Lainnya"]
    assert _names(client.get(url, {"kecamatan": "32.73.01"})) == ["Alpha Pemuda", "Gamma Pemuda"]
    assert _names(client.get(url, {"agreement_status": "expired"})) == ["Beta Lainnya"]
    assert _names(client.get(url, {"q": "gamma"})) == ["Gamma Pemuda"]
    partial = client.get(url, {"q": "alpha"}, headers={"hx-request": "true"})
    assert "<h1>" not in partial.content.decode()
    assert "<b>3</b> mitra" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"  # English counts agree in number
    assert "<b>3</b> partners" in client.get(url).content.decode()
    assert "<b>1</b> partner<" in client.get(url, {"q": "gamma"}).content.decode()


def test_list_queries_do_not_grow_with_the_page(client, staff_member, office, categories, segments):
    client.force_login(staff_member.user)
    for _n in range(5):
        p = PartnerFactory(office=office)
        p.segments.set(segments)
        AgreementFactory(partner=p)
    client.get(reverse("partners:list"))  # the session; the filter's options cached
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("partners:list"))
    few = len(captured)  # counted now: the next request clears the connection's log
    for _n in range(30):
        p = PartnerFactory(office=office)
        p.segments.set(segments)
        AgreementFactory(partner=p)
    client.get(reverse("partners:list"))  # the writes made the cached options stale
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("partners:list"))
    assert len(captured) == few
    assert few <= 12


def test_cached_list_shows_every_kind_of_write_on_the_next_request(
    client, staff_member, office, registry, categories, segments
):
    """The rendered registry is kept per office until a write to what it shows: a
    partner, its segments, a category's name, an agreement."""
    a, _b, _c = registry
    client.force_login(staff_member.user)
    url = reverse("partners:list")
    assert _names(client.get(url)) == ["Alpha Pemuda", "Beta Lainnya", "Gamma Pemuda"]
    assert _names(client.get(url)) == ["Alpha Pemuda", "Beta Lainnya", "Gamma Pemuda"]
    partner_update(membership=staff_member, pk=a.pk, data={"name": "Alpha Muda"})
    assert _names(client.get(url)) == ["Alpha Muda", "Beta Lainnya", "Gamma Pemuda"]
    # Its segments alone (no partner row saved): the next page shows them too.
    partner_update(membership=staff_member, pk=a.pk, data={"segments": [segments[1].pk]})
    assert client.get(url).content.decode().count("<td>Komunitas</td>") == 2
    categories[1].name = "Organisasi lain"
    categories[1].save(update_fields=["name"])
    assert "<td>Organisasi lain</td>" in client.get(url).content.decode()
    assert "<b>0</b> Berlaku" in client.get(url).content.decode()
    today = timezone.localdate()
    AgreementFactory(
        partner=a,
        valid_from=today - datetime.timedelta(days=10),
        valid_until=today + datetime.timedelta(days=200),
    )
    assert "<b>1</b> Berlaku" in client.get(url).content.decode()


def test_cached_list_is_never_shown_to_another_role_office_or_language(
    client, staff_member, observer_member, office, registry
):
    client.force_login(staff_member.user)
    url = reverse("partners:list")
    assert "Tambah mitra" in client.get(url).content.decode()
    client.force_login(observer_member.user)  # no right to manage: no buttons from the copy
    observed = client.get(url)
    assert _names(observed) == ["Alpha Pemuda", "Beta Lainnya", "Gamma Pemuda"]
    assert "Tambah mitra" not in observed.content.decode()
    stranger = PartnerFactory().office  # another office's staff, same URL: its own registry
    client.force_login(MembershipFactory(office=stranger, role="staff").user)
    assert len(_names(client.get(url))) == 1
    client.force_login(staff_member.user)
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Add partner" in english and "Tambah mitra" not in english
    partial = client.get(url, headers={"hx-request": "true"}).content.decode()
    assert "<h1>" not in partial and "Alpha Pemuda" in partial


def test_list_options_follow_a_new_category(client, staff_member, office, categories):
    """The filter's options are cached per office, and a write shows on the next page."""
    from mitra.partners.models import PartnerCategory

    client.force_login(staff_member.user)
    url = reverse("partners:list")
    assert "Komunitas difabel" not in client.get(url).content.decode()
    PartnerCategory.objects.create(office=office, name="Komunitas difabel", code="difabel")
    assert "Komunitas difabel" in client.get(url).content.decode()


def test_export_the_filtered_list(client, staff_member, observer_member, registry, categories):
    client.force_login(staff_member.user)
    url = reverse("partners:export", args=["csv"])
    response = client.get(url, {"category": categories[0].pk})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Kode", "Nama"]
    assert [r[1] for r in rows[1:]] == ["Alpha Pemuda", "Gamma Pemuda"]
    assert "WhatsApp" in rows[0]
    xlsx = client.get(reverse("partners:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert sheet.max_row == 4
    client.force_login(observer_member.user)  # no personal data for observers
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    assert "WhatsApp" not in text.splitlines()[0]
    assert client.get(reverse("partners:export", args=["pdf"])).status_code == 404


def test_staff_create_and_extend_categories(client, staff_member, categories, segments):
    client.force_login(staff_member.user)
    response = client.post(reverse("partners:categories"), {"name": "Olahraga"})
    assert response.status_code == 302
    category = staff_member.office and categories[0].__class__.objects.get(code="olahraga")
    response = client.post(
        reverse("partners:create"),
        {
            "name": "Klub Lari",
            "category": category.pk,
            "status": "prospect",
            "segments": [segments[0].pk],
            "areas": ["32.73.01"],
            "whatsapp": "0812 3456 7890",
            "website": "klublari.example.org",
        },
    )
    assert response.status_code == 302
    partner = Partner.objects.get(name="Klub Lari")
    assert partner.whatsapp == "+6281234567890"
    assert partner.code.startswith("P-")
    assert partner.website == "https://klublari.example.org"


def test_coordinator_edits_own_contact_fields_only(client, coordinator_member, partner):
    client.force_login(coordinator_member.user)
    response = client.get(reverse("partners:edit", args=[partner.pk]))
    assert 'name="status"' not in response.content.decode()
    response = client.post(
        reverse("partners:edit", args=[partner.pk]),
        {"contact_name": "Bu Rina", "whatsapp": "081298765432", "status": "ended", "name": "Hack"},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.contact_name == "Bu Rina"
    assert partner.whatsapp == "+6281298765432"
    assert partner.status == "active" and partner.name != "Hack"


def test_history_shows_who_changed_what(client, staff_member, partner, categories):
    client.force_login(staff_member.user)
    client.post(
        reverse("partners:edit", args=[partner.pk]),
        {
            "code": partner.code,
            "name": "Nama Setelah Diubah",
            "category": partner.category_id,
            "status": "suspended",
        },
    )
    record = partner.history.latest()
    assert record.history_user == staff_member.user
    assert record.history_type == "~"
    response = client.get(reverse("partners:history", args=[partner.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nama Setelah Diubah" in html
    assert str(staff_member.user) in html
    assert "nama organisasi" in html


def test_history_records_agreement_changes_and_deletions(staff_member, partner):
    import datetime

    from mitra.partners.selectors import partner_history
    from mitra.partners.services import agreement_create, agreement_update

    agreement = agreement_create(
        membership=staff_member,
        partner_id=partner.pk,
        data={
            "number": "PKS/1",
            "valid_from": datetime.date(2026, 1, 1),
            "valid_until": datetime.date(2026, 12, 31),
        },
    )
    agreement_update(membership=staff_member, pk=agreement.pk, data={"number": "PKS/1-A"})
    partner_update(membership=staff_member, pk=partner.pk, data={"contact_name": "Pak Dadang"})
    _partner, entries = partner_history(membership=staff_member, pk=partner.pk)
    subjects = [(e.action, e.subject) for e in entries]
    assert ("~", "perjanjian kerja sama PKS/1-A") in subjects
    assert ("+", "perjanjian kerja sama PKS/1") in subjects
    changed = [c for e in entries for c in e.changes]
    assert ("nomor perjanjian", "PKS/1", "PKS/1-A") in changed
    assert ("narahubung", "", "Pak Dadang") in changed


def test_api_filters_and_detail(client, staff_member, registry, categories, segments):
    from mitra.accounts.services import api_token_create

    token = api_token_create(user=staff_member.user)
    headers = {"authorization": f"Token {token}"}
    data = client.get(f"/api/v1/partners?category={categories[0].code}", headers=headers).json()
    assert [p["name"] for p in data["items"]] == ["Alpha Pemuda", "Gamma Pemuda"]
    assert data["count"] == 2
    data = client.get("/api/v1/partners?kecamatan=32.73.02", headers=headers).json()
    assert [p["name"] for p in data["items"]] == ["Beta Lainnya"]
    data = client.get("/api/v1/partners?agreement_status=expired", headers=headers).json()
    b = data["items"][0]
    detail = client.get(f"/api/v1/partners/{b['id']}", headers=headers).json()
    assert detail["agreements"][0]["status"] == "expired"
    schema = client.get("/api/v1/openapi.json").json()
    assert (
        "/api/v1/partners" in schema["paths"] and "/api/v1/partners/{partner_id}" in schema["paths"]
    )


def test_api_create_validates_the_phone(client, staff_member, categories):
    from mitra.accounts.services import api_token_create

    token = api_token_create(user=staff_member.user)
    response = client.post(
        "/api/v1/partners",
        {"name": "Baru", "category": categories[0].code, "whatsapp": "999"},
        content_type="application/json",
        headers={"authorization": f"Token {token}"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone"
    response = client.post(
        "/api/v1/partners",
        {"name": "Baru", "category": categories[0].code, "whatsapp": "0812 3456 7890"},
        content_type="application/json",
        headers={"authorization": f"Token {token}"},
    )
    assert response.status_code == 201
    assert response.json()["whatsapp"] == "+6281234567890"


def test_history_page_queries_do_not_grow_with_the_records(client, staff_member, partner, segments):
    from mitra.partners.services import agreement_update

    agreement = AgreementFactory(partner=partner)
    client.force_login(staff_member.user)
    url = reverse("partners:history", args=[partner.pk])

    def change(times: int) -> None:
        for n in range(times):
            # Alternate one and two segments so every record also changes a many-to-many field.
            partner_update(
                membership=staff_member,
                pk=partner.pk,
                data={
                    "contact_name": f"Narahubung {n}",
                    "segments": [s.pk for s in segments[: n % 2 + 1]],
                },
            )
            agreement_update(membership=staff_member, pk=agreement.pk, data={"notes": f"{n}"})

    change(5)
    client.get(url)  # cache refills after a write (the site's office) stay out of the count
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    change(10)
    client.get(url)  # the writes dropped the cached office: the same refill as above
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    html = response.content.decode()
    assert "segmen" in html and "narahubung" in html and "catatan" in html


def test_history_counts_many_to_many_changes(staff_member, partner, segments):
    from mitra.partners.selectors import partner_history

    partner_update(membership=staff_member, pk=partner.pk, data={"segments": [segments[0].pk]})
    partner_update(
        membership=staff_member, pk=partner.pk, data={"segments": [s.pk for s in segments]}
    )
    _partner, entries = partner_history(membership=staff_member, pk=partner.pk)
    changed = [c for e in entries for c in e.changes]
    assert ("segmen", "1", "2") in changed


def test_coordinator_refusal_names_the_fields_as_people_know_them(coordinator_member, partner):
    with pytest.raises(PartnerError) as refused:
        partner_update(
            membership=coordinator_member, pk=partner.pk, data={"name": "X", "category": 1}
        )
    assert refused.value.code == "field_not_allowed"
    assert "kategori, nama organisasi" in refused.value.message
    assert "category" not in refused.value.message


def test_detail_page_links_the_whatsapp_number(client, staff_member, partner):
    partner.whatsapp = "+6281234567890"
    partner.save()
    client.force_login(staff_member.user)
    html = client.get(reverse("partners:detail", args=[partner.pk])).content.decode()
    assert 'href="https://wa.me/6281234567890"' in html
