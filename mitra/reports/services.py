"""Writes of the reports app: asking for a file (made once per version of the data), making
it with its progress recorded, the photos picked for the report, the letterhead, and
certificates to partners and to people of an activity (issue, revoke)."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, require
from mitra.activities.models import APPROVED_OR_LATER, Activity, Evidence
from mitra.core.errors import DomainError, NotFoundError, PermissionDeniedError
from mitra.core.uploads import store_upload
from mitra.elections.models import Programme, Theme
from mitra.elections.selectors import programme_of_office
from mitra.offices.models import Office
from mitra.partners.models import Partner

from . import selectors
from .models import (
    Certificate,
    JobStatus,
    Letterhead,
    PhotoPick,
    RecipientRole,
    ReportJob,
    ReportKind,
)

logger = logging.getLogger(__name__)

CERTIFICATE_SALT = "reports.certificate"
PROGRAMME_KINDS = (ReportKind.PROGRAMME_PDF, ReportKind.PROGRAMME_XLSX)
MAX_PHOTOS = 40  # photos in one report: enough for a chapter, small enough to print


class ReportError(DomainError):
    pass


# --- Asking for a file --------------------------------------------------------------------


def _check_kind(
    membership: Membership, kind: str, params: dict[str, Any], partner: Partner | None
) -> None:
    if kind in PROGRAMME_KINDS:
        selectors.require_reports(membership)
    elif kind == ReportKind.SCORECARD_PDF:
        if partner is None:
            raise ReportError(_("Pilih mitra."), code="no_partner")
        selectors.scorecard(membership=membership, partner_id=partner.pk)  # refuses others
    elif kind == ReportKind.CERTIFICATE_PDF:
        certificate = selectors.certificate_visible(
            membership=membership, pk=int(params.get("certificate_id") or 0)
        )
        if certificate.is_revoked:
            raise ReportError(_("Piagam ini telah dicabut."), code="revoked")
    else:
        raise ReportError(_("Jenis laporan tidak dikenal."), code="unknown_kind")


def job_request(
    *,
    membership: Membership | None,
    kind: str,
    params: dict[str, Any],
    partner: Partner | None = None,
) -> ReportJob:
    """The file for these parameters and the current data: an existing one (made or being
    made) when nothing changed since, else a new job queued for the worker (after commit).
    A job that failed is queued again."""
    if membership is None:
        raise PermissionDeniedError(_("Silakan masuk terlebih dahulu."), code="permission_denied")
    _check_kind(membership, kind, params, partner)
    office = membership.office
    version = selectors.data_version(office=office)
    key = selectors.job_key(office=office, kind=kind, params=params, version=version)
    with transaction.atomic():
        job, created = ReportJob.objects.get_or_create(
            office=office,
            key=key,
            defaults={
                "kind": kind,
                "params": params,
                "language": params.get("language") or "id",
                "partner": partner,
                "requested_by": membership.user,
            },
        )
        if not created and job.status == JobStatus.FAILED:
            job.status, job.progress, job.step, job.error = JobStatus.QUEUED, 0, "", ""
            job.save(update_fields=["status", "progress", "step", "error"])
            created = True
        if created:
            job_id = job.pk
            transaction.on_commit(lambda: _queue(job_id))
    return job


def _queue(job_id: int) -> None:
    from .tasks import build_report

    build_report.delay(job_id)


# --- Making a file ------------------------------------------------------------------------


def _progress(job_id: int, percent: int, step: str) -> None:
    # Outside any transaction: the poller sees every step as it happens.
    ReportJob.objects.filter(pk=job_id).update(progress=percent, step=step[:120])


def _runner(job: ReportJob) -> Membership:
    """The requester's role now (a role taken away since the request makes nothing)."""
    qs = Membership.objects.filter(office_id=job.office_id, user_id=job.requested_by_id or 0)
    membership = qs.select_related("office", "user", "partner").first()
    if membership is None:
        raise PermissionDeniedError(
            _("Peminta laporan tidak lagi memiliki peran di kantor ini."),
            code="permission_denied",
        )
    return membership


def job_run(*, job_id: int) -> str:
    """Make the job's file. Claimed in one UPDATE (a job run twice is made once);
    progress is written as each section is done; a failure is kept with its reason."""
    claimed = ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, progress=1, step=_("Memulai")
    )
    if not claimed:
        return "skipped"
    job = ReportJob.objects.select_related("office", "partner").get(pk=job_id)
    try:
        with translation.override(job.language):
            data, extension = _render(job, _runner(job))
            _progress(job.pk, 95, _("Menyimpan berkas"))
        name = default_storage.save(
            f"reports/{job.office_id}/{secrets.token_hex(16)}.{extension}", ContentFile(data)
        )
    except Exception as exc:
        logger.exception("report job %s failed", job_id)
        message = exc.message if isinstance(exc, DomainError) else _("Kesalahan tak terduga.")
        ReportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, error=message, finished_at=timezone.now()
        )
        return "failed"
    ReportJob.objects.filter(pk=job_id).update(
        status=JobStatus.DONE,
        progress=100,
        step="",
        file=name,
        size_bytes=len(data),
        finished_at=timezone.now(),
    )
    return "done"


def _render(job: ReportJob, membership: Membership) -> tuple[bytes, str]:
    from . import documents, workbook

    def on_step(percent: int, text: str) -> None:
        _progress(job.pk, percent, text)

    if job.kind in PROGRAMME_KINDS:
        params = selectors.ReportParams.from_json(job.params)
        programme = (
            Programme.objects.filter(pk=params.programme_id, office_id=job.office_id).first()
            if params.programme_id
            else None
        )
        report = selectors.programme_report(
            membership=membership, params=params, programme=programme, on_step=on_step
        )
        on_step(75, _("Menyusun berkas"))
        if job.kind == ReportKind.PROGRAMME_XLSX:
            return workbook.programme_workbook(report), "xlsx"
        return documents.programme_pdf(report), "pdf"
    if job.kind == ReportKind.SCORECARD_PDF:
        assert job.partner_id is not None
        card = selectors.scorecard(membership=membership, partner_id=job.partner_id)
        on_step(60, _("Menyusun berkas"))
        return documents.scorecard_pdf(card), "pdf"
    certificate = selectors.certificate_visible(
        membership=membership, pk=int(job.params["certificate_id"])
    )
    on_step(60, _("Menyusun berkas"))
    return documents.certificate_pdf(
        certificate, letterhead=selectors.letterhead_of(office=job.office)
    ), "pdf"


# --- Photos picked for the report ---------------------------------------------------------


@transaction.atomic
def photo_pick(
    *, membership: Membership | None, evidence_id: int, caption: str, theme_id: int | None
) -> PhotoPick:
    """Pick (or re-caption) one photo of a counted activity for the report."""
    membership = require(membership, Right.REVIEW_ACTIVITIES)
    evidence = (
        Evidence.objects.select_for_update()
        .select_related("activity")
        .filter(pk=evidence_id, activity__office_id=membership.office_id)
        .first()
    )
    if evidence is None:
        raise NotFoundError(_("Foto tidak ditemukan."), code="not_found")
    caption = caption.strip()
    if not caption:
        raise ReportError(_("Tulis keterangan foto."), code="caption_required")
    theme = None
    if theme_id is not None:
        theme = Theme.objects.filter(pk=theme_id, programme__office_id=membership.office_id).first()
        if theme is None:
            raise ReportError(_("Tema tidak dikenal."), code="unknown_theme")
    existing = PhotoPick.objects.filter(evidence=evidence).first()
    if existing is None:
        siblings = PhotoPick.objects.filter(evidence__activity=evidence.activity).count()
        if siblings >= selectors.PHOTOS_PER_ACTIVITY:
            raise ReportError(
                _("Paling banyak %(n)s foto per kegiatan.") % {"n": selectors.PHOTOS_PER_ACTIVITY},
                code="too_many_photos",
            )
        if PhotoPick.objects.filter(office_id=membership.office_id).count() >= MAX_PHOTOS:
            raise ReportError(
                _("Paling banyak %(n)s foto dalam laporan.") % {"n": MAX_PHOTOS},
                code="too_many_photos",
            )
        return PhotoPick.objects.create(
            office_id=membership.office_id,
            evidence=evidence,
            caption=caption,
            theme=theme,
            picked_by=membership.user,
        )
    existing.caption, existing.theme, existing.picked_at = caption, theme, timezone.now()
    existing.save(update_fields=["caption", "theme", "picked_at"])
    return existing


def photo_unpick(*, membership: Membership | None, evidence_id: int) -> None:
    membership = require(membership, Right.REVIEW_ACTIVITIES)
    PhotoPick.objects.filter(office_id=membership.office_id, evidence_id=evidence_id).delete()


# --- Letterhead and certificates ----------------------------------------------------------


@transaction.atomic
def letterhead_save(
    *,
    membership: Membership | None,
    heading: str,
    address_line: str,
    signatory_name: str,
    signatory_title: str,
    signature: Any = None,
) -> Letterhead:
    """Set the office's letterhead; `signature`: an image already checked by content
    (CheckedFileField), stored under a random name without its metadata."""
    membership = require(membership, Right.MANAGE_PROGRAMME)
    letterhead, _created = Letterhead.objects.select_for_update().get_or_create(
        office_id=membership.office_id,
        defaults={"heading": heading, "signatory_name": signatory_name},
    )
    letterhead.heading = heading
    letterhead.address_line = address_line
    letterhead.signatory_name = signatory_name
    letterhead.signatory_title = signatory_title
    if signature is not None:
        letterhead.signature = store_upload(
            signature, folder=f"reports/{membership.office_id}/signature"
        )
    letterhead.save()
    return letterhead


def _certificate_create(membership: Membership, **fields: Any) -> Certificate:
    """A new certificate of the office, numbered in its yearly sequence (partners' and
    people's certificates share it). Call inside a transaction."""
    if selectors.letterhead_of(office=membership.office) is None:
        raise ReportError(
            _("Atur kop surat dan tanda tangan terlebih dahulu."), code="no_letterhead"
        )
    year = timezone.localdate().year
    # Numbers run per office and year; the row lock on the office serialises issuers.
    Office.objects.select_for_update().filter(pk=membership.office_id).first()
    serial = (
        Certificate.objects.filter(office_id=membership.office_id, issued_at__year=year).count() + 1
    )
    citation = str(fields.pop("citation", "")).strip()
    return Certificate.objects.create(
        office_id=membership.office_id,
        number=f"{serial:03d}/PIAGAM/{year}",
        token=secrets.token_hex(16),
        citation=citation or _("Atas peran serta dalam pendidikan pemilih"),
        issued_by=membership.user,
        **fields,
    )


@transaction.atomic
def certificate_issue(
    *, membership: Membership | None, partner_id: int, citation: str
) -> Certificate:
    """A partner's certificate, for the office's running programme."""
    membership = require(membership, Right.MANAGE_PARTNERS)
    partner = Partner.objects.filter(pk=partner_id, office_id=membership.office_id).first()
    if partner is None:
        raise NotFoundError(_("Mitra tidak ditemukan."), code="not_found")
    return _certificate_create(
        membership,
        partner=partner,
        programme=programme_of_office(office=membership.office),
        citation=citation,
    )


@transaction.atomic
def activity_certificate_issue(
    *,
    membership: Membership | None,
    activity_id: int,
    recipient_name: str,
    recipient_role: str,
    citation: str = "",
) -> Certificate:
    """A certificate for a named person (speaker, facilitator, volunteer, moderator) of an
    approved (or later) activity of the office. Only the name and the role are kept."""
    membership = require(membership, Right.MANAGE_PARTNERS)
    activity = Activity.objects.filter(pk=activity_id, office_id=membership.office_id).first()
    if activity is None:
        raise NotFoundError(_("Kegiatan tidak ditemukan."), code="not_found")
    if activity.status not in APPROVED_OR_LATER:
        raise ReportError(
            _("Piagam hanya untuk kegiatan yang sudah disetujui atau terlaksana."),
            code="activity_not_approved",
        )
    name = " ".join(recipient_name.split())
    if not name:
        raise ReportError(_("Tulis nama penerima."), code="name_required")
    if recipient_role not in RecipientRole.values:
        raise ReportError(_("Peran tidak dikenal."), code="unknown_role")
    return _certificate_create(
        membership,
        partner_id=activity.partner_id,
        activity=activity,
        programme_id=activity.programme_id,
        recipient_name=name[:120],
        recipient_role=recipient_role,
        citation=citation,
    )


@transaction.atomic
def certificate_revoke(
    *, membership: Membership | None, certificate_id: int, reason: str
) -> Certificate:
    membership = require(membership, Right.MANAGE_PARTNERS)
    certificate = (
        Certificate.objects.select_for_update()
        .filter(pk=certificate_id, office_id=membership.office_id)
        .first()
    )
    if certificate is None:
        raise NotFoundError(_("Piagam tidak ditemukan."), code="not_found")
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = membership.user
        certificate.revoke_reason = reason.strip()[:250]
        # A person's name serves only a valid certificate: revoked, it is not kept.
        certificate.recipient_name = ""
        certificate.save(
            update_fields=["revoked_at", "revoked_by", "revoke_reason", "recipient_name"]
        )
    return certificate


def certificate_signed_id(certificate: Certificate) -> str:
    """What the QR code carries: the random token, signed (a guessed or altered link is
    refused before the database is asked)."""
    return signing.Signer(salt=CERTIFICATE_SALT).sign(certificate.token)


def certificate_token(signed: str) -> str | None:
    try:
        return signing.Signer(salt=CERTIFICATE_SALT).unsign(signed)
    except signing.BadSignature:
        return None
