"""Certificates for the people of an activity (speakers, facilitators, volunteers): issued by
staff on the activity's page, drawn with the office's letterhead and a QR code to the same
public verification page as a partner's, revocable (the name then goes); seen by the
partner's coordinator for its own activities only, by nobody of another office."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from mitra.core import personal_data
from mitra.core.errors import NotFoundError, PermissionDeniedError
from mitra.reports import selectors, services
from mitra.reports.models import Certificate, ReportJob, ReportKind
from tests.activities.factories import ActivityFactory
from tests.conftest import login
from tests.factories import MembershipFactory, OfficeFactory
from tests.reports.conftest import png_upload

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def letterhead(admin_member, media):
    return services.letterhead_save(
        membership=admin_member,
        heading="KPU Kota Uji",
        address_line="Jl. Uji 1",
        signatory_name="Ibu Ketua",
        signatory_title="Ketua",
        signature=png_upload(),
    )


def _issue(member, activity, name="Dr. Rina Sari", role="speaker"):
    return services.activity_certificate_issue(
        membership=member,
        activity_id=activity.pk,
        recipient_name=name,
        recipient_role=role,
        citation="",
    )


def test_staff_issue_from_the_activity_page_and_the_pdf_names_person_role_and_activity(
    work, staff_member, letterhead, client, django_capture_on_commit_callbacks
):
    activity = work["on_time"]
    url = f"/laporan/kegiatan/{activity.pk}/piagam/"
    login(client, staff_member)
    detail = client.get(f"/kegiatan/{activity.pk}/").content.decode()
    assert url in detail  # the activity's page loads the list (HTMX)
    page = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="cert-recipient_name"' in page and "<html" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"cert-recipient_name": "  Dr.  Rina   Sari ", "cert-recipient_role": "speaker"}
        )
    certificate = Certificate.objects.get()
    assert (certificate.recipient_name, certificate.recipient_role) == ("Dr. Rina Sari", "speaker")
    assert certificate.activity == activity and certificate.partner == activity.partner
    assert certificate.programme == activity.programme
    job = ReportJob.objects.get(kind=ReportKind.CERTIFICATE_PDF)
    assert response["Location"].endswith(f"/laporan/berkas/{job.pk}/")
    text = _pdf_text(default_storage.open(job.file.name).read())
    assert "Dr. Rina Sari" in text and "Narasumber" in text and activity.title in text
    assert certificate.number in text and "Ibu Ketua" in text and "KPU Kota Uji" in text
    signed = services.certificate_signed_id(certificate)
    assert signed.split(":")[-1][:8] in text.replace("\n", "")  # the QR's link, printed
    listed = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Dr. Rina Sari" in listed and certificate.number in listed


def test_partner_and_person_certificates_share_one_number_sequence(
    work, admin_member, letterhead, partner
):
    first = services.certificate_issue(membership=admin_member, partner_id=partner.pk, citation="")
    second = _issue(admin_member, work["on_time"])
    assert int(second.number.split("/")[0]) == int(first.number.split("/")[0]) + 1
    # The scorecard lists the partner's own certificate, not those of people at its activities.
    own = selectors.certificates_of(membership=admin_member, partner_id=partner.pk)
    assert list(own) == [first]


def test_verification_page_confirms_then_says_revoked_and_the_name_is_gone(
    work, staff_member, letterhead, client
):
    activity = work["on_time"]
    certificate = _issue(staff_member, activity, role="volunteer")
    signed = services.certificate_signed_id(certificate)
    page = client.get(f"/laporan/verifikasi/{signed}/").content.decode()
    assert 'data-status="valid"' in page
    assert "Dr. Rina Sari" in page and "Relawan" in page and activity.title in page
    assert client.get(f"/laporan/verifikasi/{signed[:-1]}x/").status_code == 404

    login(client, staff_member)
    response = client.post(f"/laporan/piagam/{certificate.pk}/cabut/", {"reason": "Nama salah eja"})
    assert response["Location"].endswith(f"/kegiatan/{activity.pk}/")
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.recipient_name == ""
    client.logout()
    page = client.get(f"/laporan/verifikasi/{signed}/").content.decode()
    assert 'data-status="revoked"' in page and "Nama salah eja" in page
    assert "Rina" not in page
    # A revoked certificate is not printed again.
    login(client, staff_member)
    response = client.post(f"/laporan/piagam/{certificate.pk}/pdf/", follow=True)
    assert "Piagam ini telah dicabut." in response.content.decode()
    assert not ReportJob.objects.filter(kind=ReportKind.CERTIFICATE_PDF).exists()


def test_only_approved_or_later_activities_and_a_name_and_known_role(
    work, staff_member, letterhead, client
):
    with pytest.raises(services.ReportError) as refused:
        _issue(staff_member, work["draft"])
    assert refused.value.code == "activity_not_approved"
    with pytest.raises(services.ReportError):
        _issue(staff_member, work["on_time"], name="   ")
    with pytest.raises(services.ReportError):
        _issue(staff_member, work["on_time"], role="sponsor")
    login(client, staff_member)
    url = f"/laporan/kegiatan/{work['on_time'].pk}/piagam/"
    response = client.post(url, {"cert-recipient_name": "", "cert-recipient_role": "speaker"})
    assert response.status_code == 400 and not Certificate.objects.exists()
    response = client.post(
        f"/laporan/kegiatan/{work['draft'].pk}/piagam/",
        {"cert-recipient_name": "Budi", "cert-recipient_role": "speaker"},
    )
    assert response.status_code == 400
    assert "sudah disetujui atau terlaksana" in response.content.decode()
    assert not Certificate.objects.exists()


def test_no_letterhead_no_certificate(work, staff_member, media):
    with pytest.raises(services.ReportError) as refused:
        _issue(staff_member, work["on_time"])
    assert refused.value.code == "no_letterhead"


def test_coordinator_sees_own_activities_certificates_only_and_cannot_issue_or_revoke(
    work,
    staff_member,
    coordinator_member,
    other_coordinator,
    other_partner,
    programme,
    letterhead,
    client,
    django_capture_on_commit_callbacks,
):
    own = _issue(staff_member, work["on_time"], name="Andi Relawan", role="volunteer")
    elsewhere = ActivityFactory(programme=programme, partner=other_partner, status="approved")
    theirs = _issue(staff_member, elsewhere, name="Sinta Fasilitator", role="facilitator")

    _activity, seen = selectors.certificates_of_activity(
        membership=coordinator_member, activity_id=work["on_time"].pk
    )
    assert list(seen) == [own]
    with pytest.raises(NotFoundError):
        selectors.certificates_of_activity(membership=coordinator_member, activity_id=elsewhere.pk)
    with pytest.raises(NotFoundError):
        selectors.certificate_visible(membership=coordinator_member, pk=theirs.pk)
    with pytest.raises(PermissionDeniedError):
        _issue(coordinator_member, work["on_time"])

    login(client, coordinator_member)
    url = f"/laporan/kegiatan/{work['on_time'].pk}/piagam/"
    page = client.get(url).content.decode()
    assert "Andi Relawan" in page and "Sinta" not in page
    assert 'name="cert-recipient_name"' not in page and "/cabut/" not in page
    assert client.get(f"/laporan/kegiatan/{elsewhere.pk}/piagam/").status_code == 404
    refused = client.post(url, {"cert-recipient_name": "X", "cert-recipient_role": "speaker"})
    assert refused.status_code == 403
    assert client.post(f"/laporan/piagam/{own.pk}/cabut/", {"reason": "x"}).status_code == 403
    # Its own certificate's PDF it may have and download; another partner's answers 404.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/laporan/piagam/{own.pk}/pdf/")
    job = ReportJob.objects.get(kind=ReportKind.CERTIFICATE_PDF)
    assert response["Location"].endswith(f"/laporan/berkas/{job.pk}/")
    assert client.get(f"/laporan/berkas/{job.pk}/unduh/").status_code == 200
    assert client.post(f"/laporan/piagam/{theirs.pk}/pdf/").status_code == 404
    login(client, other_coordinator)
    assert client.get(f"/laporan/berkas/{job.pk}/unduh/").status_code == 404
    assert client.get(url).status_code == 404


def test_another_office_gets_404(work, staff_member, letterhead, client):
    certificate = _issue(staff_member, work["on_time"])
    stranger = MembershipFactory(office=OfficeFactory(), role="staff")
    with pytest.raises(NotFoundError):
        services.activity_certificate_issue(
            membership=stranger,
            activity_id=work["on_time"].pk,
            recipient_name="X",
            recipient_role="speaker",
        )
    with pytest.raises(NotFoundError):
        services.certificate_revoke(membership=stranger, certificate_id=certificate.pk, reason="x")
    login(client, stranger)
    url = f"/laporan/kegiatan/{work['on_time'].pk}/piagam/"
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"cert-recipient_name": "X", "cert-recipient_role": "speaker"}).status_code
        == 404
    )
    assert client.post(f"/laporan/piagam/{certificate.pk}/pdf/").status_code == 404
    assert (
        client.post(f"/laporan/piagam/{certificate.pk}/cabut/", {"reason": "x"}).status_code == 404
    )
    certificate.refresh_from_db()
    assert not certificate.is_revoked and Certificate.objects.count() == 1


def test_what_is_kept_of_the_person_is_declared():
    kind = next(k for k in personal_data.data_kinds() if k.code == "certificate_recipients")
    assert set(kind.fields) == {
        "reports.Certificate.recipient_name",
        "reports.Certificate.recipient_role",
    }
    assert kind.kept is not None and "dicabut" in str(kind.kept)
