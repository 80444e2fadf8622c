"""Outreach activities: proposal → approval → held → report → verification.

The status moves only through the services in `mitra.activities.services`; every move is
kept as a `Transition`. Reach counts only verified reports (`Report` of an activity in
status `verified`), once per activity however many elections it serves.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mitra.core.naming import EnglishNamed, english_name_field
from mitra.offices.models import OfficeScoped

REPORT_DUE_DAYS = 3
MAX_PHOTOS = 10


class MethodMode(models.TextChoices):
    DIRECT = "direct", _("Langsung")
    INDIRECT = "indirect", _("Tidak langsung")


class Method(EnglishNamed, OfficeScoped):
    """An outreach method from the regulation's lists (PKPU 9/2022); staff can extend it."""

    code = models.SlugField(max_length=40)
    name = models.CharField(_("nama"), max_length=120)
    name_en = english_name_field(120)
    mode = models.CharField(_("bentuk"), max_length=10, choices=MethodMode.choices)
    description = models.CharField(_("keterangan"), max_length=240, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["office", "mode", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="method_code_per_office")
        ]
        verbose_name = _("metode")
        verbose_name_plural = _("metode")

    def __str__(self) -> str:
        return self.name


class Approach(OfficeScoped):
    """One of the programme's own approaches (e.g. community discussions): a grouping of
    the regulation's methods in the words the commission uses, named in both languages.

    Data edited by staff per programme; a method belongs to at most one approach of a
    programme, and a method in none is counted under "other" (see `ApproachMethod`).
    """

    programme = models.ForeignKey(
        "elections.Programme",
        on_delete=models.CASCADE,
        related_name="approaches",
        verbose_name=_("program"),
    )
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("nama (Indonesia)"), max_length=120)
    name_en = models.CharField(_("nama (Inggris)"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    methods = models.ManyToManyField(
        Method,
        through="ApproachMethod",
        blank=True,
        related_name="approaches",
        verbose_name=_("metode"),
    )

    class Meta:
        ordering = ["programme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], name="approach_code_per_programme"
            )
        ]
        verbose_name = _("pendekatan")
        verbose_name_plural = _("pendekatan")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the language of the request (English when given, else Indonesian)."""
        return localized_name(self.name, self.name_en)


def localized_name(name: str | None, name_en: str | None) -> str:
    """An approach's name in the active language; no approach at all reads as "other"."""
    if not name:
        return str(_("Lainnya"))
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class ApproachMethod(models.Model):
    """A method's place in one approach of a programme (at most one per programme)."""

    programme = models.ForeignKey("elections.Programme", on_delete=models.CASCADE, related_name="+")
    approach = models.ForeignKey(Approach, on_delete=models.CASCADE, related_name="links")
    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="approach_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "method"], name="one_approach_per_method_and_programme"
            )
        ]
        verbose_name = _("metode dalam pendekatan")
        verbose_name_plural = _("metode dalam pendekatan")

    def __str__(self) -> str:
        return f"{self.approach_id}: {self.method_id}"


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan")
    APPROVED = "approved", _("Disetujui")
    HELD = "held", _("Terlaksana")
    REPORTED = "reported", _("Dilaporkan")
    REPORT_RETURNED = "report_returned", _("Laporan dikembalikan")
    VERIFIED = "verified", _("Terverifikasi")
    CANCELLED = "cancelled", _("Dibatalkan")


# Approved and everything after it except cancellation: the activity will take place (or
# did), so it is shown publicly and takes attendance.
APPROVED_OR_LATER = (
    ActivityStatus.APPROVED,
    ActivityStatus.HELD,
    ActivityStatus.REPORTED,
    ActivityStatus.REPORT_RETURNED,
    ActivityStatus.VERIFIED,
)


class ActivityQuerySet(models.QuerySet["Activity"]):
    def verified(self) -> ActivityQuerySet:
        """Activities whose report was verified: the only ones that count as reach."""
        return self.filter(status=ActivityStatus.VERIFIED)

    def public(self) -> ActivityQuerySet:
        return self.filter(is_public=True, status__in=APPROVED_OR_LATER)


def approach_links() -> models.QuerySet[ApproachMethod]:
    """The approach links of an outer activity's method in the activity's own programme
    (for `Exists`/`Subquery`: an activity is "other" when there is none)."""
    return ApproachMethod.objects.filter(
        programme_id=OuterRef("programme_id"), method_id=OuterRef("method_id")
    )


def with_approach(qs: models.QuerySet[Activity]) -> models.QuerySet[Activity]:
    """Each activity with its approach in its own programme: `approach_id`,
    `approach_code`, `approach_name`, `approach_name_en` (None when its method is in
    none: "other")."""
    link = approach_links()
    return qs.annotate(
        approach_id=Subquery(link.values("approach_id")[:1]),
        approach_code=Subquery(link.values("approach__code")[:1]),
        approach_name=Subquery(link.values("approach__name")[:1]),
        approach_name_en=Subquery(link.values("approach__name_en")[:1]),
    )


class Activity(OfficeScoped):
    """One outreach activity, organised by a partner or (partner empty) by the office."""

    programme = models.ForeignKey(
        "elections.Programme",
        on_delete=models.RESTRICT,
        related_name="activities",
        verbose_name=_("program"),
    )
    elections = models.ManyToManyField(
        "elections.Election", blank=True, related_name="activities", verbose_name=_("pemilihan")
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("mitra"),
        help_text=_("Kosong bila diselenggarakan oleh KPU sendiri."),
    )
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("deskripsi"), blank=True)
    method = models.ForeignKey(
        Method, on_delete=models.RESTRICT, related_name="activities", verbose_name=_("metode")
    )
    themes = models.ManyToManyField(
        "elections.Theme", blank=True, related_name="activities", verbose_name=_("tema")
    )
    segments = models.ManyToManyField(
        "elections.Segment", blank=True, related_name="activities", verbose_name=_("segmen sasaran")
    )
    kelurahan = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("kelurahan"),
    )
    venue = models.CharField(_("tempat"), max_length=200, blank=True)
    lat = models.FloatField(_("lintang"), null=True, blank=True)
    lng = models.FloatField(_("bujur"), null=True, blank=True)
    is_online = models.BooleanField(_("daring"), default=False)
    online_url = models.URLField(_("tautan siaran/unggahan"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    expected_attendance = models.PositiveIntegerField(_("perkiraan peserta"), default=0)
    is_public = models.BooleanField(_("tampil di kalender publik"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["office", "starts_at"]),
            models.Index(fields=["office", "status", "starts_at"]),
            models.Index(fields=["office", "partner", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="activity_ends_after_start",
            )
        ]
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")

    def __str__(self) -> str:
        return self.title

    @property
    def report_due_on(self) -> datetime.date:
        return timezone.localdate(self.ends_at) + datetime.timedelta(days=REPORT_DUE_DAYS)

    @property
    def approach_label(self) -> str:
        """The approach's name (annotated by `with_approach`, else read once), or "other"."""
        if not hasattr(self, "approach_name"):
            link = ApproachMethod.objects.filter(
                programme_id=self.programme_id, method_id=self.method_id
            ).values_list("approach__name", "approach__name_en")
            name, name_en = link.first() or (None, None)
            setattr(self, "approach_name", name)  # noqa: B010 — as `with_approach` sets it
            setattr(self, "approach_name_en", name_en)  # noqa: B010
        return localized_name(getattr(self, "approach_name"), getattr(self, "approach_name_en"))  # noqa: B009

    @property
    def organiser_name(self) -> str:
        return self.partner.name if self.partner is not None else str(_("KPU (penyelenggara)"))


class Transition(models.Model):
    """One move of an activity's status: who, when, from where to where, why."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ActivityStatus.choices)
    to_status = models.CharField(max_length=20, choices=ActivityStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["activity", "at", "pk"]
        verbose_name = _("perubahan status")
        verbose_name_plural = _("perubahan status")

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.from_status} → {self.to_status}"


class Report(models.Model):
    """What happened: attendance figures (verified ones count as reach) and notes.

    Age bands: `first_time_voters` and `young_voters` follow the age limits of the office's
    segments `pemula` and `muda` (data, so they are configurable); see selectors.age_bands.
    """

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="report")
    attendance_total = models.PositiveIntegerField(_("jumlah peserta"))
    women = models.PositiveIntegerField(_("perempuan"), default=0)
    men = models.PositiveIntegerField(_("laki-laki"), default=0)
    first_time_voters = models.PositiveIntegerField(_("pemilih pemula"), default=0)
    young_voters = models.PositiveIntegerField(_("pemilih muda"), default=0)
    disabilities = models.PositiveIntegerField(_("penyandang disabilitas"), default=0)
    notes = models.TextField(_("catatan kegiatan"), blank=True)
    attendance_sheet = models.FileField(_("daftar hadir"), blank=True, max_length=255)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(_("catatan pengembalian"), blank=True)

    class Meta:
        verbose_name = _("laporan kegiatan")
        verbose_name_plural = _("laporan kegiatan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(women__lte=models.F("attendance_total"))
                & models.Q(men__lte=models.F("attendance_total")),
                name="report_breakdown_within_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.attendance_total}"


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def publishable(self) -> EvidenceQuerySet:
        """Photos that may be shown beyond the office and the partner: none that shows
        children without their guardians' consent (UU 27/2022 Pasal 25)."""
        return self.filter(models.Q(shows_children=False) | models.Q(guardian_consent=True))


class Evidence(models.Model):
    """A photo of the activity: resized, with the EXIF date and place it claims."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("foto"), max_length=255)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size_bytes = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField(_("waktu foto (EXIF)"), null=True, blank=True)
    gps_lat = models.FloatField(null=True, blank=True)
    gps_lng = models.FloatField(null=True, blank=True)
    distance_km = models.FloatField(_("jarak dari lokasi (km)"), null=True, blank=True)
    date_mismatch = models.BooleanField(_("tanggal tidak cocok"), default=False)
    place_mismatch = models.BooleanField(_("lokasi tidak cocok"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Flagged at upload: a photo of children is published only with their guardians' consent.
    shows_children = models.BooleanField(_("menampilkan anak (di bawah 17 tahun)"), default=False)
    guardian_consent = models.BooleanField(_("orang tua/wali setuju diterbitkan"), default=False)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "uploaded_at", "pk"]
        verbose_name = _("foto kegiatan")
        verbose_name_plural = _("foto kegiatan")

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.file.name}"

    @property
    def is_flagged(self) -> bool:
        return self.date_mismatch or self.place_mismatch

    @property
    def publishable(self) -> bool:
        return not self.shows_children or self.guardian_consent


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    X = "x", "X (Twitter)"
    WEBSITE = "website", _("Situs web")
    OTHER = "other", _("Lainnya")


class OnlinePost(models.Model):
    """A post or stream of an (online) activity, with the figures the platform reported."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="online_posts")
    url = models.URLField(_("tautan"), max_length=500)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    reach = models.PositiveIntegerField(_("jangkauan"), default=0)
    impressions = models.PositiveIntegerField(_("tayangan"), default=0)
    engagement = models.PositiveIntegerField(_("interaksi"), default=0)

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("unggahan daring")
        verbose_name_plural = _("unggahan daring")

    def __str__(self) -> str:
        return self.url


class ReportReminder(models.Model):
    """A reminder sent for an overdue report (once per activity and step: 3 and 7 days)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="reminders")
    days_overdue = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.TextField(blank=True)

    class Meta:
        ordering = ["activity", "days_overdue"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "days_overdue"], name="one_reminder_per_step"
            )
        ]
        verbose_name = _("pengingat laporan")
        verbose_name_plural = _("pengingat laporan")

    def __str__(self) -> str:
        return f"{self.activity_id} +{self.days_overdue}"
