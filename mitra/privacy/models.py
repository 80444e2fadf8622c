"""Consent records with the exact text consented to, the office's controller details and
retention days per kind, and the requests of the people concerned with their log."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.offices.models import Office, OfficeScoped


class ConsentText(models.Model):
    """One version of a consent's text in one language, as shown next to the box."""

    purpose = models.CharField(_("tujuan"), max_length=40)
    version = models.CharField(_("versi"), max_length=20)
    language = models.CharField(_("bahasa"), max_length=8)
    text = models.TextField(_("teks"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "version", "language"], name="one_consent_text_per_version"
            )
        ]
        verbose_name = _("teks persetujuan")
        verbose_name_plural = _("teks persetujuan")

    def __str__(self) -> str:
        return f"{self.purpose} v{self.version} ({self.language})"


class ConsentChannel(models.TextChoices):
    FORM = "form", _("Formulir")
    API = "api", _("API")
    SCANNER = "scanner", _("Pemindai")


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def active(self) -> ConsentRecordQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class ConsentRecord(OfficeScoped):
    """One consent of one person to one purpose: what text, where, when; withdrawable."""

    purpose = models.CharField(_("tujuan"), max_length=40)
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="records")
    channel = models.CharField(_("saluran"), max_length=10, choices=ConsentChannel.choices)
    given_at = models.DateTimeField(_("diberikan"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("ditarik"), null=True, blank=True)
    withdrawn_how = models.CharField(max_length=40, blank=True)
    registration = models.ForeignKey(
        "checkin.Registration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checkin = models.ForeignKey(
        "checkin.CheckIn", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signup = models.ForeignKey(
        "notifications.VotingDaySignup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-pk"]
        indexes = [models.Index(fields=["office", "purpose", "-given_at"])]
        verbose_name = _("catatan persetujuan")
        verbose_name_plural = _("catatan persetujuan")

    def __str__(self) -> str:
        return f"{self.purpose} · {self.given_at:%Y-%m-%d}"


# Safe defaults (days); each office may shorten or lengthen them.
RETENTION_DEFAULTS: dict[str, int] = {
    "attendee_contacts": 90,
    "device_hashes": 30,
    "refused_scans": 90,
    "delivery_logs": 180,
    "photos": 730,
    "import_files": 30,
}


class PrivacySettings(models.Model):
    """The office as data controller (who to contact, its data protection officer) and how
    long each kind of personal data is kept."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="privacy")
    controller_contact = models.TextField(
        _("kontak pengendali data"),
        blank=True,
        help_text=_("Alamat, email, dan telepon untuk urusan data pribadi."),
    )
    dpo_name = models.CharField(_("pejabat pelindungan data pribadi"), max_length=160, blank=True)
    dpo_email = models.EmailField(_("email pejabat pelindungan data"), blank=True)
    dpo_phone = models.CharField(_("telepon pejabat pelindungan data"), max_length=32, blank=True)
    attendee_contacts_days = models.PositiveIntegerField(
        _("nama dan kontak peserta (hari setelah kegiatan)"),
        default=RETENTION_DEFAULTS["attendee_contacts"],
    )
    device_hashes_days = models.PositiveIntegerField(
        _("hash perangkat (hari setelah kegiatan)"), default=RETENTION_DEFAULTS["device_hashes"]
    )
    refused_scans_days = models.PositiveIntegerField(
        _("pindaian ditolak (hari setelah kegiatan)"), default=RETENTION_DEFAULTS["refused_scans"]
    )
    delivery_logs_days = models.PositiveIntegerField(
        _("alamat dan isi pesan terkirim (hari)"), default=RETENTION_DEFAULTS["delivery_logs"]
    )
    photos_days = models.PositiveIntegerField(
        _("foto kegiatan (hari setelah kegiatan)"), default=RETENTION_DEFAULTS["photos"]
    )
    import_files_days = models.PositiveIntegerField(
        _("isi berkas impor (hari)"), default=RETENTION_DEFAULTS["import_files"]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pengaturan data pribadi")
        verbose_name_plural = _("pengaturan data pribadi")

    def __str__(self) -> str:
        return str(self.office_id)

    def days(self, kind: str) -> int:
        return int(getattr(self, f"{kind}_days"))


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Melihat data saya")
    EXPORT = "export", _("Mengunduh data saya")
    CORRECT = "correct", _("Memperbaiki data saya")
    ERASE = "erase", _("Menghapus data saya")


class RequestStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Menunggu kode")
    OPEN = "open", _("Diproses")
    DONE = "done", _("Selesai")
    REFUSED = "refused", _("Ditolak")


def new_request_token() -> str:
    return secrets.token_urlsafe(24)


class DataRequestQuerySet(models.QuerySet["DataRequest"]):
    def open(self) -> DataRequestQuerySet:
        return self.filter(status=RequestStatus.OPEN)


class DataRequest(OfficeScoped):
    """A person's request about their data, identified by a one-time code sent to the email
    address or WhatsApp number on file."""

    token = models.CharField(max_length=40, unique=True, default=new_request_token)
    kind = models.CharField(_("jenis"), max_length=10, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.UNVERIFIED
    )
    channel = models.CharField(_("saluran"), max_length=10)
    address = models.CharField(_("alamat"), max_length=254, blank=True)
    details = models.TextField(_("keterangan"), blank=True)
    language = models.CharField(max_length=8, default="id")
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    codes_sent = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("diajukan"), default=timezone.now)
    verified_at = models.DateTimeField(_("identitas terkonfirmasi"), null=True, blank=True)
    due_at = models.DateTimeField(_("batas waktu"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    outcome = models.TextField(_("hasil"), blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    photos = models.ManyToManyField(
        "activities.Evidence", blank=True, related_name="+", verbose_name=_("foto yang ditandai")
    )

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["office", "status", "due_at"])]
        verbose_name = _("permintaan subjek data")
        verbose_name_plural = _("permintaan subjek data")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_status_display()}"

    def is_overdue(self, now: object | None = None) -> bool:
        moment = now or timezone.now()
        return (
            self.status == RequestStatus.OPEN and self.due_at is not None and self.due_at < moment  # type: ignore[operator]
        )


class RequestEvent(models.Model):
    """Every step of a request: who did what, when (the request's audit trail)."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("tindakan"), max_length=30)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("langkah permintaan")
        verbose_name_plural = _("langkah permintaan")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.action}"


class PurgeRun(models.Model):
    """What one run of the retention purge removed, per kind (shown to staff)."""

    at = models.DateTimeField(default=timezone.now)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("penghapusan terjadwal")
        verbose_name_plural = _("penghapusan terjadwal")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"
