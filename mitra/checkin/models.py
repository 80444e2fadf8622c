"""Attendance at activities, the way pretix does check-in.

- `CheckinPoint`: one per activity; carries the opaque random token of the poster's QR code
  (never a primary key in a public link), the check-in window and the registration settings.
- `Registration`: optional sign-up with capacity and a waiting list; the QR ticket holds a
  random secret.
- `CheckIn`: one person counted, by self check-in (poster QR), ticket scan or tally.
  `scanned_at` is the client's time, `received_at` the server's; `nonce` (unique per
  activity) makes client retries idempotent.
- `RefusedScan`: a scan that was not accepted, with its reason code.

Counts are always computed from rows (COUNT in the database), never kept in counters that a
race could lose or double.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.offices.models import OfficeScoped

DEFAULT_OPENS_BEFORE_MINUTES = 60
DEFAULT_CLOSES_AFTER_MINUTES = 180


def new_token() -> str:
    return secrets.token_urlsafe(16)


def new_ticket_secret() -> str:
    return secrets.token_urlsafe(18)


class CheckinPoint(OfficeScoped):
    """Check-in settings of one activity and the token of its poster QR code."""

    activity = models.OneToOneField(
        "activities.Activity", on_delete=models.CASCADE, related_name="checkin_point"
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    self_checkin = models.BooleanField(_("daftar hadir mandiri (QR poster)"), default=True)
    opens_before_minutes = models.PositiveIntegerField(
        _("dibuka (menit sebelum mulai)"), default=DEFAULT_OPENS_BEFORE_MINUTES
    )
    closes_after_minutes = models.PositiveIntegerField(
        _("ditutup (menit setelah mulai)"),
        default=DEFAULT_CLOSES_AFTER_MINUTES,
        help_text=_("Bila kegiatan selesai lebih lambat, daftar hadir ditutup saat selesai."),
    )
    requires_registration = models.BooleanField(_("perlu pendaftaran"), default=False)
    capacity = models.PositiveIntegerField(
        _("kapasitas"), null=True, blank=True, help_text=_("Kosong bila tidak dibatasi.")
    )
    confirm_by_message = models.BooleanField(
        _("konfirmasi lewat email/WhatsApp sebelum tempat dipegang"),
        default=False,
        help_text=_(
            "Pendaftar menerima tautan konfirmasi; tempat baru dipegang setelah tautan dibuka "
            "(berlaku 24 jam). Pendaftaran tanpa email atau nomor WhatsApp ditolak."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("titik daftar hadir")
        verbose_name_plural = _("titik daftar hadir")

    def __str__(self) -> str:
        return f"{self.activity_id}"

    def window(self) -> tuple[datetime.datetime, datetime.datetime]:
        """From N minutes before the start to M minutes after it (or the end, if later)."""
        activity = self.activity
        opens = activity.starts_at - datetime.timedelta(minutes=self.opens_before_minutes)
        closes = max(
            activity.starts_at + datetime.timedelta(minutes=self.closes_after_minutes),
            activity.ends_at,
        )
        return opens, closes

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        opens, closes = self.window()
        now = now or timezone.now()
        return opens <= now <= closes


class RegistrationStatus(models.TextChoices):
    """`pending` (the activity asks for a confirmation by message) holds no seat and counts
    in no figure; unconfirmed, it becomes `expired` after `PENDING_HOURS`."""

    PENDING = "pending", _("Menunggu konfirmasi")
    CONFIRMED = "confirmed", _("Terkonfirmasi")
    WAITING = "waiting", _("Daftar tunggu")
    CANCELLED = "cancelled", _("Dibatalkan")
    EXPIRED = "expired", _("Kedaluwarsa (tidak dikonfirmasi)")


# How long a pending registration's confirmation link is valid.
PENDING_HOURS = 24


class Registration(OfficeScoped):
    """A sign-up for an activity; name and contacts are optional and purged after retention."""

    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("nama"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telepon"), max_length=32, blank=True)
    consent = models.BooleanField(_("persetujuan penyimpanan data"), default=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    position = models.PositiveIntegerField(_("urutan tunggu"), null=True, blank=True)
    secret = models.CharField(max_length=40, unique=True, default=new_ticket_secret, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Saat tautan konfirmasi dibuka (bila diminta).")
    )
    promoted_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["activity", "created_at", "pk"]
        indexes = [models.Index(fields=["activity", "status", "position"])]
        verbose_name = _("pendaftaran")
        verbose_name_plural = _("pendaftaran")

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.get_status_display()}"


class How(models.TextChoices):
    SELF = "self", _("Mandiri (QR poster)")
    TICKET = "ticket", _("Pindai tiket")
    TALLY = "tally", _("Hitung manual")


class AgeBand(models.TextChoices):
    UNDER_17 = "u17", _("Di bawah 17")
    A17_21 = "17-21", _("17–21")
    A22_30 = "22-30", _("22–30")
    A31_45 = "31-45", _("31–45")
    A46_60 = "46-60", _("46–60")
    OVER_60 = "60+", _("Di atas 60")


class Gender(models.TextChoices):
    FEMALE = "f", _("Perempuan")
    MALE = "m", _("Laki-laki")


class CheckIn(OfficeScoped):
    """One person counted at an activity."""

    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.CASCADE, related_name="checkins"
    )
    how = models.CharField(_("cara"), max_length=6, choices=How.choices)
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkins"
    )
    age_band = models.CharField(
        _("kelompok usia"), max_length=5, choices=AgeBand.choices, blank=True
    )
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices, blank=True)
    kelurahan = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kelurahan"),
    )
    outside_city = models.BooleanField(_("dari luar kota"), default=False)
    first_time_voter = models.BooleanField(_("pemilih pemula"), null=True, blank=True)
    disability = models.BooleanField(_("penyandang disabilitas"), null=True, blank=True)
    pledge = models.BooleanField(_("ikrar memilih"), default=False)
    name = models.CharField(_("nama"), max_length=120, blank=True)
    scanned_at = models.DateTimeField(_("waktu pindai (perangkat)"))
    received_at = models.DateTimeField(_("waktu diterima (server)"), default=timezone.now)
    nonce = models.CharField(max_length=64)
    device_hash = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["activity", "received_at", "pk"]
        indexes = [models.Index(fields=["activity", "how"])]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "nonce"], name="checkin_nonce_per_activity"
            ),
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(registration__isnull=False),
                name="checkin_once_per_ticket",
            ),
            models.UniqueConstraint(
                fields=["activity", "device_hash"],
                condition=models.Q(how="self") & ~models.Q(device_hash=""),
                name="checkin_once_per_device",
            ),
        ]
        verbose_name = _("kehadiran")
        verbose_name_plural = _("kehadiran")

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.how} {self.nonce}"


class RefusalReason(models.TextChoices):
    UNKNOWN_TICKET = "unknown_ticket", _("Tiket tidak dikenal")
    ALREADY_USED = "already_used", _("Tiket sudah dipakai")
    OTHER_ACTIVITY = "other_activity", _("Tiket untuk kegiatan lain")
    OUTSIDE_WINDOW = "outside_window", _("Di luar waktu daftar hadir")
    NOT_CONFIRMED = "not_confirmed", _("Pendaftaran belum terkonfirmasi")


class RefusedScan(OfficeScoped):
    """A ticket scan that was not accepted, kept with its reason (and idempotent by nonce)."""

    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.CASCADE, related_name="refused_scans"
    )
    nonce = models.CharField(max_length=64)
    reason = models.CharField(_("alasan"), max_length=20, choices=RefusalReason.choices)
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    secret_prefix = models.CharField(max_length=8, blank=True)
    scanned_at = models.DateTimeField(_("waktu pindai (perangkat)"))
    received_at = models.DateTimeField(_("waktu diterima (server)"), default=timezone.now)
    device_hash = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["activity", "received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "nonce"], name="refused_nonce_per_activity")
        ]
        verbose_name = _("pindaian ditolak")
        verbose_name_plural = _("pindaian ditolak")

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.reason}"
