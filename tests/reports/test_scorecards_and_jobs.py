"""Scorecards, generated files (made once per data version, served only with the right),
photo picks, the letterhead, certificates and their public verification."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook
from pypdf import PdfReader

from mitra.core.errors import NotFoundError
from mitra.reports import selectors, services
from mitra.reports.models import Certificate, JobStatus, PhotoPick, ReportJob, ReportKind
from tests.conftest import login
from tests.reports.conftest import _photo, png_upload

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


# --- Scorecards ---------------------------------------------------------------------------


def test_scorecard_counts_deliverables_states_reach_timeliness_evidence_and_returns(
    work, staff_member, partner
):
    card = selectors.scorecard(membership=staff_member, partner_id=partner.pk)
    assert (card.deliverables, card.deliverables_met, card.deliverable_percent) == (2, 1, 70)
    assert card.by_status == {"verified": 2, "reported": 1, "draft": 1}
    assert (card.activities, card.verified) == (4, 2)
    assert card.reach == card.reach_raw == 80  # verified reports only
    assert (card.reports, card.reports_on_time) == (3, 2)  # one came 6 days after
    assert (card.evidence_expected, card.with_evidence) == (3, 2)
    assert card.returned == 1


def test_coordinator_sees_only_their_own_scorecard(
    work, coordinator_member, other_coordinator, partner, client
):
    own = selectors.scorecards(membership=coordinator_member)
    assert [c.partner.pk for c in own] == [partner.pk]
    with pytest.raises(NotFoundError):
        selectors.scorecard(membership=other_coordinator, partner_id=partner.pk)
    login(client, other_coordinator)
    assert client.get(f"/laporan/mitra/{partner.pk}/").status_code == 404
    assert client.get(f"/laporan/mitra/{partner.pk}/ringkas/").status_code == 404
    response = client.get("/laporan/mitra/")  # the ranking sends a coordinator to their card
    assert response.status_code == 302 and response["Location"].endswith(
        f"/laporan/mitra/{other_coordinator.partner_id}/"
    )


def test_ranked_table_sorts_and_exports_real_numbers(
    work, staff_member, partner, other_partner, client
):
    login(client, staff_member)
    page = client.get("/laporan/mitra/?sort=reach").content.decode()
    assert page.index(partner.name) < page.index(other_partner.name)
    page = client.get("/laporan/mitra/?sort=name").content.decode()
    assert page.index(other_partner.name) < page.index(partner.name)  # "Karang…" first
    response = client.get("/laporan/mitra/?sort=reach&format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == partner.name and rows[1][6] == 80 and rows[1][3] == 70


def test_partner_page_card_and_one_page_pdf(
    work, staff_member, partner, client, django_capture_on_commit_callbacks
):
    login(client, staff_member)
    card = client.get(f"/laporan/mitra/{partner.pk}/ringkas/").content.decode()
    assert 'data-score="deliverables">1 / 2' in card and 'data-score="returned">1' in card
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/laporan/mitra/{partner.pk}/pdf/")
    job = ReportJob.objects.get(kind=ReportKind.SCORECARD_PDF)
    assert response["Location"].endswith(f"/laporan/berkas/{job.pk}/")
    assert job.status == JobStatus.DONE  # no broker: made in-process
    data = default_storage.open(job.file.name).read()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = _pdf_text(data)
    assert partner.name in text and "1 / 2" in text and "2 / 3" in text
    assert "Keluaran tercapai" in text

    # In English when the person reads the site in English (the job keeps the language).
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/laporan/mitra/{partner.pk}/pdf/")
    english = ReportJob.objects.exclude(pk=job.pk).get(kind=ReportKind.SCORECARD_PDF)
    text = _pdf_text(default_storage.open(english.file.name).read())
    assert "Deliverables met" in text and "Keluaran tercapai" not in text


# --- Jobs: once per data version, served only with the right --------------------------------


def test_job_is_made_once_per_data_version_and_again_after_a_change(
    work, staff_member, partner, django_capture_on_commit_callbacks
):
    params = {"partner_id": partner.pk, "language": "id"}
    with django_capture_on_commit_callbacks(execute=True):
        first = services.job_request(
            membership=staff_member, kind=ReportKind.SCORECARD_PDF, params=params, partner=partner
        )
    same = services.job_request(
        membership=staff_member, kind=ReportKind.SCORECARD_PDF, params=params, partner=partner
    )
    assert same.pk == first.pk
    _photo(work["late"])  # new evidence: the data changed
    changed = services.job_request(
        membership=staff_member, kind=ReportKind.SCORECARD_PDF, params=params, partner=partner
    )
    assert changed.pk != first.pk
    assert services.job_run(job_id=first.pk) == "skipped"  # claimed once: never made twice


def test_download_needs_the_right(
    work,
    staff_member,
    observer_member,
    coordinator_member,
    other_coordinator,
    partner,
    client,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_request(
            membership=staff_member,
            kind=ReportKind.SCORECARD_PDF,
            params={"partner_id": partner.pk},
            partner=partner,
        )
    url = f"/laporan/berkas/{job.pk}/unduh/"
    for member in (staff_member, observer_member, coordinator_member):
        login(client, member)
        response = client.get(url)
        assert response.status_code == 200, member.role
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Disposition"].startswith("attachment")
    login(client, other_coordinator)
    assert client.get(url).status_code == 404
    assert client.get(f"/laporan/berkas/{job.pk}/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    job.refresh_from_db()  # private storage: no public URL serves the file
    assert job.file.name.startswith(f"reports/{staff_member.office_id}/")
    assert client.get(f"/media/{job.file.name}").status_code == 404


def test_progress_polls_until_done_then_offers_the_file(staff_member, programme, client):
    job = ReportJob.objects.create(
        office=staff_member.office,
        kind=ReportKind.PROGRAMME_XLSX,
        key="k1",
        requested_by=staff_member.user,
        params={},
    )
    login(client, staff_member)
    html = client.get(f"/laporan/berkas/{job.pk}/progres/").content.decode()
    assert 'hx-trigger="every 1s"' in html and "/unduh/" not in html
    assert client.get(f"/laporan/berkas/{job.pk}/unduh/").status_code == 404  # not ready
    assert services.job_run(job_id=job.pk) == "done"
    html = client.get(f"/laporan/berkas/{job.pk}/progres/").content.decode()
    assert "hx-trigger" not in html and f"/laporan/berkas/{job.pk}/unduh/" in html
    assert 'value="100"' in html


def test_a_coordinator_cannot_ask_for_the_programme_report(coordinator_member, client, programme):
    login(client, coordinator_member)
    assert client.get("/laporan/").status_code == 403
    assert client.post("/laporan/", {"format": "pdf", "language": "id"}).status_code == 403
    assert not ReportJob.objects.exists()


def test_report_form_refuses_a_reversed_period(staff_member, programme, client):
    login(client, staff_member)
    response = client.post(
        "/laporan/",
        {"format": "pdf", "language": "id", "date_from": "2024-11-01", "date_to": "2024-10-01"},
    )
    assert response.status_code == 200
    assert "Tanggal awal harus sebelum tanggal akhir." in response.content.decode()
    assert not ReportJob.objects.exists()


# --- Photos -------------------------------------------------------------------------------


def test_photo_picks_need_a_caption_and_stop_at_three_per_activity(
    work, staff_member, coordinator_member
):
    activity = work["on_time"]
    photos = [activity.evidence.get(), *(_photo(activity) for _ in range(3))]
    with pytest.raises(services.ReportError) as caught:
        services.photo_pick(
            membership=staff_member, evidence_id=photos[0].pk, caption=" ", theme_id=None
        )
    assert caught.value.code == "caption_required"
    for photo in photos[:3]:
        services.photo_pick(
            membership=staff_member, evidence_id=photo.pk, caption="Warga", theme_id=None
        )
    with pytest.raises(services.ReportError) as caught:
        services.photo_pick(
            membership=staff_member, evidence_id=photos[3].pk, caption="Warga", theme_id=None
        )
    assert caught.value.code == "too_many_photos"
    # Re-captioning a picked one is not a new pick.
    services.photo_pick(
        membership=staff_member, evidence_id=photos[0].pk, caption="Baru", theme_id=None
    )
    assert PhotoPick.objects.get(evidence=photos[0]).caption == "Baru"
    with pytest.raises(services.PermissionDeniedError):
        services.photo_pick(
            membership=coordinator_member, evidence_id=photos[3].pk, caption="x", theme_id=None
        )


# --- Letterhead and certificates ----------------------------------------------------------


def test_signature_upload_is_checked_by_content(admin_member, client, media):
    login(client, admin_member)
    fake = io.BytesIO(b"GIF89a not really an image")
    fake.name = "ttd.png"
    form = {"heading": "KPU Kota Uji", "signatory_name": "Ketua", "signatory_title": "Ketua KPU"}
    response = client.post("/laporan/piagam/kop/", {**form, "signature": fake})
    assert response.status_code == 400
    assert (
        client.post("/laporan/piagam/kop/", {**form, "signature": png_upload()}).status_code == 302
    )
    letterhead = selectors.letterhead_of(office=admin_member.office)
    assert letterhead.signature.name.endswith(".png")


def test_certificate_is_verified_publicly_and_shows_revoked(
    work, admin_member, partner, client, programme, django_capture_on_commit_callbacks
):
    with pytest.raises(services.ReportError):
        services.certificate_issue(membership=admin_member, partner_id=partner.pk, citation="x")
    services.letterhead_save(
        membership=admin_member,
        heading="KPU Kota Uji",
        address_line="Jl. Uji 1",
        signatory_name="Ibu Ketua",
        signatory_title="Ketua",
        signature=png_upload(),
    )
    login(client, admin_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/laporan/mitra/{partner.pk}/piagam/", {"citation": "Atas sosialisasi pemilih muda"}
        )
    certificate = Certificate.objects.get()
    job = ReportJob.objects.get(kind=ReportKind.CERTIFICATE_PDF)
    assert response["Location"].endswith(f"/laporan/berkas/{job.pk}/")
    text = _pdf_text(default_storage.open(job.file.name).read())
    signed = services.certificate_signed_id(certificate)
    assert partner.name in text and certificate.number in text and "Ibu Ketua" in text
    assert signed.split(":")[-1][:8] in text.replace("\n", "")  # the QR's link, printed too
    # The QR carries the random token (never the primary key) and its signature.
    assert signed.split(":")[0] == certificate.token and len(signed.split(":")) == 2

    client.logout()
    page = client.get(f"/laporan/verifikasi/{signed}/")
    assert page.status_code == 200 and 'data-status="valid"' in page.content.decode()
    tampered = signed[:-2] + ("aa" if not signed.endswith("aa") else "bb")
    assert client.get(f"/laporan/verifikasi/{tampered}/").status_code == 404
    assert client.get(f"/laporan/verifikasi/{certificate.pk}/").status_code == 404

    login(client, admin_member)
    client.post(f"/laporan/piagam/{certificate.pk}/cabut/", {"reason": "Data mitra keliru"})
    client.logout()
    page = client.get(f"/laporan/verifikasi/{signed}/").content.decode()
    assert 'data-status="revoked"' in page and "dicabut" in page and "Data mitra keliru" in page


def test_coordinator_cannot_issue_or_revoke(work, coordinator_member, partner, client):
    login(client, coordinator_member)
    assert client.post(f"/laporan/mitra/{partner.pk}/piagam/", {"citation": "x"}).status_code == 403
    assert not Certificate.objects.exists()


def test_photo_page_picks_with_a_caption_and_refuses_coordinators(
    work, staff_member, coordinator_member, client
):
    activity = work["on_time"]
    photo = activity.evidence.get()
    url = f"/laporan/foto/{activity.pk}/"
    login(client, staff_member)
    page = client.get(url).content.decode()
    assert f'name="p{photo.pk}-caption"' in page
    response = client.post(url, {"evidence": photo.pk, f"p{photo.pk}-caption": ""})
    assert response.status_code == 400 and not PhotoPick.objects.exists()
    response = client.post(
        url, {"evidence": photo.pk, "action": "pick", f"p{photo.pk}-caption": "Diskusi RW"}
    )
    assert response.status_code == 302
    assert PhotoPick.objects.get().caption == "Diskusi RW"
    client.post(url, {"evidence": photo.pk, "action": "unpick"})
    assert not PhotoPick.objects.exists()
    login(client, coordinator_member)
    assert client.get(url).status_code == 403


def test_a_finished_programme_can_be_reported_after_the_next_one_starts(
    staff_member, programme, client
):
    """The form lists every programme of the office (the running one chosen first), so the
    2024 programme can still be accounted for while a new one runs; an election must belong
    to the programme chosen."""
    from tests.factories import ElectionFactory, ProgrammeFactory

    programme.is_current = False
    programme.save(update_fields=["is_current"])
    finished_election = ElectionFactory(programme=programme, office=programme.office)
    running = ProgrammeFactory(
        office=programme.office,
        name="Program Berjalan",
        voting_day=programme.voting_day.replace(year=programme.voting_day.year + 1),
        is_current=True,
    )
    login(client, staff_member)
    page = client.get("/laporan/").content.decode()
    assert f'<option value="{running.pk}" selected>' in page and programme.name in page
    refused = client.post(
        "/laporan/",
        {
            "programme": running.pk,
            "election": finished_election.pk,
            "format": "xlsx",
            "language": "id",
        },
    )
    assert refused.status_code == 200 and not ReportJob.objects.exists()
    assert "bukan bagian dari program yang dipilih" in refused.content.decode()
    response = client.post(
        "/laporan/", {"programme": programme.pk, "format": "xlsx", "language": "id"}
    )
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert selectors.ReportParams.from_json(job.params).programme_id == programme.pk
    assert services.job_run(job_id=job.pk) == "done"
    sheet_text = " ".join(
        str(c.value)
        for ws in load_workbook(
            default_storage.open(job.refresh_from_db() or job.file.name)
        ).worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    )
    assert programme.name in sheet_text and running.name not in sheet_text
