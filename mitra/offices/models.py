from __future__ import annotations

import re

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core import social

# "#rrggbb": the only colour form the branding stylesheet writes out.
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
colour_validator = RegexValidator(
    rf"^{HEX_COLOUR.pattern}$", _("Tulis warna sebagai kode heksadesimal, misalnya #8b1a1a.")
)

# What staff edit on the office profile page (besides the images below).
OFFICE_PROFILE_FIELDS = (
    "short_name",
    "address",
    "email",
    "phone",
    "website",
    "instagram",
    "x_account",
    "facebook",
    "youtube",
    "colour_primary",
    "colour_dark",
    "share_image_alt",
)
# The office's images and the folder each is stored in (admin and profile page alike).
IMAGE_FIELDS = {"logo": "offices/logo", "share_image": "offices/share"}


class ReachSource(models.TextChoices):
    REPORTED = "reported", _("laporan terverifikasi")
    MEASURED = "measured", _("check-in, bila kegiatan memilikinya")


class OfficeLevel(models.TextChoices):
    """Where an office sits in the commission: KPU RI, a province's KPU, a city's/regency's."""

    NATIONAL = "national", _("Nasional")
    PROVINCE = "province", _("Provinsi")
    CITY = "city", _("Kabupaten/Kota")


class Office(models.Model):
    """An election commission office: the tenant almost every record belongs to.

    `level` and `parent` follow from the region (`mitra.offices.services.office_place`):
    a province's office sits under the national office, a city's or regency's under its
    province's office; they are stored so a roll-up reads descendants by two joins.
    """

    name = models.CharField(_("nama"), max_length=160)
    short_name = models.CharField(_("nama singkat"), max_length=60, blank=True)
    slug = models.SlugField(unique=True)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="offices",
        verbose_name=_("wilayah"),
    )
    level = models.CharField(
        _("tingkat"), max_length=10, choices=OfficeLevel.choices, default=OfficeLevel.CITY
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("kantor induk"),
    )
    logo = models.FileField(_("logo"), upload_to="offices/logo/", blank=True)
    website = models.URLField(_("situs web"), blank=True)
    email = models.EmailField(_("email publik"), blank=True)
    phone = models.CharField(_("telepon publik"), max_length=32, blank=True)
    instagram = models.CharField(_("Instagram"), max_length=60, blank=True)
    x_account = models.CharField(_("X (Twitter)"), max_length=60, blank=True)
    facebook = models.CharField(_("Facebook"), max_length=120, blank=True)
    youtube = models.CharField(_("YouTube"), max_length=120, blank=True)
    # Branding of the public site: header colour (white text sits on it, so it must be
    # dark enough; the form checks the contrast) and links; empty keeps the default red.
    colour_primary = models.CharField(
        _("warna utama"), max_length=7, blank=True, validators=[colour_validator]
    )
    colour_dark = models.CharField(
        _("warna tautan"), max_length=7, blank=True, validators=[colour_validator]
    )
    # The picture a link preview (WhatsApp, Facebook, X) shows for pages without their own.
    share_image = models.FileField(
        _("gambar pratinjau tautan"), upload_to="offices/share/", blank=True
    )
    share_image_alt = models.CharField(
        _("teks alternatif gambar pratinjau"), max_length=200, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    address = models.TextField(_("alamat"), blank=True)
    voter_check_url = models.URLField(
        _("tautan cek DPT"),
        default="https://cekdptonline.kpu.go.id/",
        help_text=_("Layanan resmi untuk memeriksa pendaftaran pemilih."),
    )
    data_retention_days = models.PositiveIntegerField(
        _("masa simpan data pribadi (hari)"), default=90
    )
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("ambang sel kecil"),
        default=5,
        help_text=_("Angka publik di bawah ambang ini disembunyikan."),
    )
    # Which attendance counts as reach for an activity that has both a verified report
    # and check-ins. Default: the report, which every counted activity has, so reach means
    # the same for all activities; check-ins miss people who did not scan (and count only
    # those who did), so an office that scans everyone at the door may prefer them.
    reach_source = models.CharField(
        _("jangkauan dihitung dari"),
        max_length=10,
        choices=ReachSource.choices,
        default=ReachSource.REPORTED,
        help_text=_(
            "Untuk kegiatan yang punya laporan dan check-in sekaligus. Laporan: sama untuk "
            "semua kegiatan. Check-in: lebih dapat diuji bila semua peserta dipindai."
        ),
    )
    require_second_factor = models.BooleanField(
        _("wajibkan verifikasi dua langkah untuk admin dan staf"),
        default=True,
        help_text=_("Admin dan staf harus memasang aplikasi autentikator sebelum dapat bekerja."),
    )
    is_demo = models.BooleanField(
        _("data demo"),
        default=False,
        help_text=_("Data sintetis; halaman menampilkan penanda demo."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who changed the profile and branding, and when (the office profile page's audit trail).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("kantor")
        verbose_name_plural = _("kantor")
        constraints = [
            # One national office and one office per province: the parent of an office
            # below is then never ambiguous. (City offices may share a region: tests do.)
            models.UniqueConstraint(
                fields=["region"],
                condition=~models.Q(level="city"),
                name="one_upper_office_per_region",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def social_links(self) -> list[tuple[str, str]]:
        """(network, profile URL) for each account the office filled in, in a fixed order."""
        links = [
            ("Instagram", social.instagram_url(self.instagram)),
            ("X", social.x_url(self.x_account)),
            ("Facebook", social.facebook_url(self.facebook)),
            ("YouTube", social.youtube_url(self.youtube)),
        ]
        return [(network, url) for network, url in links if url]

    @property
    def has_colours(self) -> bool:
        return bool(self.colour_primary or self.colour_dark)

    @property
    def share_image_path(self) -> str:
        """Where the share image is served (versioned, so a new one is fetched at once)."""
        if not self.share_image:
            return ""
        path = reverse("offices:share_image", kwargs={"slug": self.slug})
        return f"{path}?v={self.branding_version}"

    @property
    def branding_version(self) -> str:
        """Changes with every save: makes the colour stylesheet's and images' URLs new."""
        return format(int(self.updated_at.timestamp()), "x") if self.updated_at else "0"


class OfficeScoped(models.Model):
    """Base for records that belong to one office (the tenant key every query filters on)."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="+", verbose_name=_("kantor")
    )

    class Meta:
        abstract = True
