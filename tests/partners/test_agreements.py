"""Agreements: status from dates, deliverables, successive agreements, the signed PDF."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from mitra.partners.models import Agreement, AgreementStatus, agreement_status_on
from mitra.partners.selectors import partner_agreement_status
from tests.partners.factories import (
    AgreementFactory,
    MembershipFactory,
    PartnerFactory,
    ThemeFactory,
    pdf_upload,
)

TODAY = datetime.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("signed", "start", "end", "status"),
    [
        (None, "2026-01-01", "2026-12-31", AgreementStatus.DRAFT),
        ("2026-05-20", "2026-07-01", "2027-06-30", AgreementStatus.DRAFT),
        ("2026-01-01", "2026-01-01", "2026-12-31", AgreementStatus.ACTIVE),
        ("2026-01-01", "2026-01-01", "2026-07-01", AgreementStatus.EXPIRING),
        ("2026-01-01", "2026-01-01", "2026-06-01", AgreementStatus.EXPIRING),
        ("2025-01-01", "2025-01-01", "2026-05-31", AgreementStatus.EXPIRED),
        (None, "2025-01-01", "2025-12-31", AgreementStatus.EXPIRED),
    ],
)
def test_status_is_derived_from_the_dates(signed, start, end, status):
    def d(value):
        return datetime.date.fromisoformat(value) if value else None

    assert (
        agreement_status_on(
            signed_on=d(signed), valid_from=d(start), valid_until=d(end), today=TODAY
        )
        == status
    )


@pytest.mark.django_db
def test_partner_status_prefers_the_current_agreement_and_filters_agree(staff_member):
    from mitra.partners.selectors import PartnerFilters, partner_list

    office = staff_member.office
    renewed = PartnerFactory(office=office)
    AgreementFactory(partner=renewed)  # 2024, expired
    AgreementFactory(
        partner=renewed,
        signed_on=TODAY,
        valid_from=TODAY,
        valid_until=TODAY + datetime.timedelta(days=365),
    )
    lapsed = PartnerFactory(office=office)
    AgreementFactory(partner=lapsed)
    PartnerFactory(office=office)  # none
    assert partner_agreement_status(renewed.agreements.all(), TODAY) == AgreementStatus.ACTIVE
    assert partner_agreement_status(lapsed.agreements.all(), TODAY) == AgreementStatus.EXPIRED
    assert renewed.agreements.count() == 2  # successive agreements are both kept

    def names(status):
        return set(
            partner_list(
                membership=staff_member,
                filters=PartnerFilters(agreement_status=status, today=TODAY),
            ).values_list("pk", flat=True)
        )

    assert names("active") == {renewed.pk}
    assert names("expired") == {lapsed.pk}
    assert len(names("none")) == 1


@pytest.mark.django_db
def test_staff_add_an_agreement_with_deliverables_and_a_pdf(
    client, staff_member, partner, programme
):
    theme = ThemeFactory(programme=programme)
    client.force_login(staff_member.user)
    response = client.post(
        reverse("partners:agreement_create", args=[partner.pk]),
        {
            "number": "PKS/007/2026",
            "signed_on": "2026-01-05",
            "valid_from": "2026-01-10",
            "valid_until": "2026-12-31",
            "signatories": "Ketua KPU\nKetua Komunitas",
            "document": pdf_upload(),
            "luaran-TOTAL_FORMS": "2",
            "luaran-INITIAL_FORMS": "0",
            "luaran-0-metric": "activities_count",
            "luaran-0-theme": str(theme.pk),
            "luaran-0-target": "3",
            "luaran-1-metric": "reach",
            "luaran-1-target": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[-6000:]
    agreement = Agreement.objects.get()
    assert agreement.document.name.startswith("agreements/")
    assert [(d.metric, d.theme_id, d.target) for d in agreement.deliverables.all()] == [
        ("activities_count", theme.pk, 3)
    ]
    download = client.get(reverse("partners:agreement_document", args=[agreement.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_a_fake_pdf_is_refused_and_the_typed_values_are_kept(client, staff_member, partner):
    client.force_login(staff_member.user)
    fake = __import__("io").BytesIO(b"MZ\x90\x00 this is not a pdf at all")
    fake.name = "pks.pdf"
    response = client.post(
        reverse("partners:agreement_create", args=[partner.pk]),
        {
            "number": "PKS/KETIK/2026",
            "valid_from": "2026-01-10",
            "valid_until": "2026-12-31",
            "signatories": "Nama yang sudah diketik",
            "document": fake,
            "luaran-TOTAL_FORMS": "1",
            "luaran-INITIAL_FORMS": "0",
            "luaran-0-metric": "reach",
            "luaran-0-target": "250",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "bukan PDF yang sah" in html
    assert 'value="PKS/KETIK/2026"' in html
    assert "Nama yang sudah diketik" in html
    assert 'value="250"' in html
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_an_oversized_pdf_is_refused(client, staff_member, partner, settings):
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(staff_member.user)
    response = client.post(
        reverse("partners:agreement_create", args=[partner.pk]),
        {
            "number": "PKS/BESAR",
            "valid_from": "2026-01-10",
            "valid_until": "2026-12-31",
            "document": pdf_upload(),
            "luaran-TOTAL_FORMS": "0",
            "luaran-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "terlalu besar" in response.content.decode()
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_document_is_served_to_the_own_coordinator_only(client, staff_member, partner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mitra.partners.services import agreement_create
    from tests.partners.factories import PDF_BYTES

    upload = SimpleUploadedFile("pks.pdf", PDF_BYTES)
    upload.checked_kind = "pdf"
    agreement = agreement_create(
        membership=staff_member,
        partner_id=partner.pk,
        data={"number": "A", "valid_from": TODAY, "valid_until": TODAY},
        document=upload,
    )
    url = reverse("partners:agreement_document", args=[agreement.pk])
    own = MembershipFactory(office=partner.office, role="coordinator", partner=partner)
    client.force_login(own.user)
    assert client.get(url).status_code == 200
    other_partner = PartnerFactory(office=partner.office)
    other = MembershipFactory(office=partner.office, role="coordinator", partner=other_partner)
    client.force_login(other.user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_agreement_end_before_start_is_refused(client, staff_member, partner):
    client.force_login(staff_member.user)
    response = client.post(
        reverse("partners:agreement_create", args=[partner.pk]),
        {
            "number": "PKS/X",
            "valid_from": "2026-12-31",
            "valid_until": "2026-01-01",
            "luaran-TOTAL_FORMS": "0",
            "luaran-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "tidak boleh sebelum" in response.content.decode()


@pytest.mark.django_db
def test_agreement_page_loads_theme_and_segment_choices_once(
    client, staff_member, partner, programme
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mitra.elections.models import Segment, Theme

    theme = ThemeFactory(programme=programme)
    client.force_login(staff_member.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("partners:agreement_create", args=[partner.pk]))
    assert response.status_code == 200
    assert f'value="{theme.pk}"' in response.content.decode()
    for model in (Theme, Segment):
        table = f'FROM "{model._meta.db_table}"'
        assert len([q for q in queries if table in q["sql"]]) == 1, model


@pytest.mark.django_db
def test_deliverables_of_another_office_are_refused(staff_member, partner, programme):
    from mitra.partners.services import DeliverableData, PartnerError, agreement_create

    mine, foreign = ThemeFactory(programme=programme), ThemeFactory()
    with pytest.raises(PartnerError) as refused:
        agreement_create(
            membership=staff_member,
            partner_id=partner.pk,
            data={"number": "PKS/X", "valid_from": TODAY, "valid_until": TODAY},
            deliverables=[
                DeliverableData(metric="activities_count", target=1, theme_id=mine.pk),
                DeliverableData(metric="reach", target=5, theme_id=foreign.pk),
            ],
        )
    assert refused.value.code == "unknown_theme"
    assert not Agreement.objects.exists()
