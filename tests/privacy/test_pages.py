"""The public privacy notice (Indonesian and English, linked from every form with a consent
box) and the staff's record of processing, generated from the apps' declarations."""

from __future__ import annotations

import dataclasses

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mitra.core import personal_data
from mitra.core.personal_data import DataKind
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_notice_is_public_and_names_the_controller_and_officer(client, office, admin_member):
    login(client, admin_member)
    answer = client.post(
        reverse("privacy:settings"),
        {
            "controller_contact": "Jl. Cipamokolan 1, Bandung",
            "dpo_name": "Ibu Rina",
            "dpo_email": "pdp@kpu-bandung.example",
            "dpo_phone": "",
            "attendee_contacts_days": 60,
            "device_hashes_days": 30,
            "refused_scans_days": 90,
            "delivery_logs_days": 180,
            "photos_days": 365,
            "import_files_days": 30,
        },
    )
    assert answer.status_code == 302
    client.logout()
    page = client.get(reverse("privacy:notice"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ibu Rina" in text and "pdp@kpu-bandung.example" in text
    assert "Jl. Cipamokolan 1" in text
    assert "60 hari" in text  # the office's own retention, not a default
    assert "72 jam" in text
    assert reverse("privacy:request") in text


def test_notice_in_english(client, office):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("privacy:notice"))
    assert page.status_code == 200
    assert 'lang="en"' in page.content.decode()
    assert "Privacy notice" in page.content.decode()


def test_only_admins_set_the_controller_and_retention(client, staff_member):
    login(client, staff_member)
    assert client.get(reverse("privacy:settings")).status_code == 403


@pytest.mark.parametrize(
    "url_name", ["checkin:self", "checkin:register", "notifications:signup", "portal:activity"]
)
def test_each_form_with_a_consent_box_links_the_notice(client, url_name, programme):
    from tests.checkin.factories import ActivityFactory, CheckinPointFactory

    point = CheckinPointFactory(
        activity=ActivityFactory(programme=programme), requires_registration=True
    )
    args = {"notifications": [], "portal": [point.activity_id]}.get(
        url_name.split(":")[0], [point.token]
    )
    page = client.get(reverse(url_name, args=args)).content.decode()
    consent_at = page.index('name="consent"')
    link_at = page.index(f'href="{reverse("privacy:notice")}"', consent_at)
    assert link_at - consent_at < 2500  # next to the box, not only in the footer


def test_every_declared_field_exists_so_the_record_stays_true():
    for kind in personal_data.data_kinds():
        for path in kind.fields:
            app_label, model_name, field_name = path.split(".")
            model = apps.get_model(app_label, model_name)
            model._meta.get_field(field_name)  # raises if a field was renamed or removed
    codes = {k.code for k in personal_data.retention_kinds()}
    assert {k.retention for k in personal_data.data_kinds()} - {""} <= codes
    consents = {p.code for p in personal_data.consent_purposes()}
    assert {k.consent for k in personal_data.data_kinds()} - {""} <= consents


def test_record_of_processing_is_generated_from_declarations(
    client, staff_member, observer_member, monkeypatch
):
    login(client, staff_member)
    page = client.get(reverse("privacy:processing")).content.decode()
    for kind in personal_data.data_kinds():
        assert str(kind.label) in page
    assert "checkin.CheckIn.disability" in page
    new = DataKind(
        code="test_kind",
        label=_("Data percobaan baru"),
        fields=("checkin.Registration.phone",),
        subjects=_("Peserta"),
        purpose=_("Uji"),
        basis="consent",
        retention="attendee_contacts",
        recipients=_("Staf"),
    )
    monkeypatch.setitem(personal_data._kinds, "test_kind", new)
    assert "Data percobaan baru" in client.get(reverse("privacy:processing")).content.decode()
    login(client, observer_member)
    assert client.get(reverse("privacy:processing")).status_code == 403


def test_declaring_an_unknown_basis_is_refused():
    kind = personal_data.data_kinds()[0]
    with pytest.raises(ValueError):
        personal_data.declare(dataclasses.replace(kind, code="x", basis="because"))
