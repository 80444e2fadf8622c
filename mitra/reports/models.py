"""Accountability reports: generated files (kept per version of the data), the photos staff
picked for the report, the office's letterhead and signature, and certificates (to
partners and to the people who spoke at or helped with an activity)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.offices.models import OfficeScoped


class ReportKind(models.TextChoices):
    PROGRAMME_PDF = "programme_pdf", _("Laporan program (PDF)")
    PROGRAMME_XLSX = "programme_xlsx", _("Laporan program (XLSX)")
    SCORECARD_PDF = "scorecard_pdf", _("Kartu kinerja mitra (PDF)")
    CERTIFICATE_PDF = "certificate_pdf", _("Piagam penghargaan (PDF)")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("menunggu")
    RUNNING = "running", _("sedang dibuat")
    DONE = "done", _("selesai")
    FAILED = "failed", _("gagal")


class ReportJob(OfficeScoped):
    """One generated file: what was asked (kind and parameters), for which version of the
    data (`key`: a hash of both), how far its making has come, and the file when done.

    The same key is made once: asking again while the data are unchanged returns this job.
    The file lives in private storage and is served only through a view that checks the
    reader's right (never under a public media URL)."""

    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    key = models.CharField(max_length=64)
    params = models.JSONField(default=dict)
    language = models.CharField(max_length=8, default="id")
    # The partner a scorecard or certificate is about: its coordinator may read it too.
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=120, blank=True)
    file = models.FileField(max_length=255, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("berkas laporan")
        verbose_name_plural = _("berkas laporan")
        constraints = [
            models.UniqueConstraint(fields=["office", "key"], name="report_job_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key[:8]} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class PhotoPick(OfficeScoped):
    """A photo staff chose for the programme report, with its caption (per activity, and
    optionally filed under a theme)."""

    evidence = models.OneToOneField(
        "activities.Evidence", on_delete=models.CASCADE, related_name="report_pick"
    )
    theme = models.ForeignKey(
        "elections.Theme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tema"),
    )
    caption = models.CharField(_("keterangan foto"), max_length=200)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    picked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["evidence__activity__starts_at", "pk"]
        verbose_name = _("foto laporan")
        verbose_name_plural = _("foto laporan")

    def __str__(self) -> str:
        return self.caption


class Letterhead(OfficeScoped):
    """The office's letterhead and signatory for certificates (one per office)."""

    heading = models.CharField(_("kop surat"), max_length=200)
    address_line = models.CharField(_("alamat pada kop"), max_length=250, blank=True)
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=120)
    signatory_title = models.CharField(_("jabatan penanda tangan"), max_length=120)
    signature = models.FileField(_("gambar tanda tangan"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kop dan tanda tangan")
        verbose_name_plural = _("kop dan tanda tangan")
        constraints = [models.UniqueConstraint(fields=["office"], name="letterhead_one_per_office")]

    def __str__(self) -> str:
        return self.heading


class RecipientRole(models.TextChoices):
    """The part a named person played in an activity, as a certificate states it."""

    SPEAKER = "speaker", _("Narasumber")
    FACILITATOR = "facilitator", _("Fasilitator")
    VOLUNTEER = "volunteer", _("Relawan")
    MODERATOR = "moderator", _("Moderator")


class Certificate(OfficeScoped):
    """A certificate of appreciation (piagam): to a partner, or to a named person (speaker,
    facilitator, volunteer) for their part in one activity. Its public verification link
    carries a random token (signed in the URL), never the primary key; a revoked
    certificate stays on record and its page says so.

    Of the person only the name and the role are kept (declared in `personal_data.py`);
    revoking a person's certificate blanks the name."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificates",
    )
    # Set for a person's certificate; its partner is then the activity's (or none for the
    # office's own activity), which is what lets that partner's coordinator read it.
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificates",
    )
    recipient_name = models.CharField(_("nama penerima"), max_length=120, blank=True)
    recipient_role = models.CharField(
        _("peran"), max_length=20, choices=RecipientRole.choices, blank=True
    )
    programme = models.ForeignKey("elections.Programme", on_delete=models.CASCADE, related_name="+")
    number = models.CharField(_("nomor piagam"), max_length=60)
    token = models.CharField(max_length=32, unique=True)
    citation = models.CharField(_("atas"), max_length=250)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("alasan pencabutan"), max_length=250, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("piagam")
        verbose_name_plural = _("piagam")
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="certificate_unique_number"),
            # A partner's certificate names its partner; a person's names an activity and
            # the role (the name itself is blanked on revocation).
            models.CheckConstraint(
                condition=(
                    models.Q(activity__isnull=True, partner__isnull=False, recipient_role="")
                    | (models.Q(activity__isnull=False) & ~models.Q(recipient_role=""))
                ),
                name="certificate_partner_or_person",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_personal(self) -> bool:
        return self.activity_id is not None

    @property
    def recipient(self) -> str:
        """Who the certificate is given to, as printed and verified."""
        if self.is_personal:
            return self.recipient_name
        return self.partner.name if self.partner else ""
