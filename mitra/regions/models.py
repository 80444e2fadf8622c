from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    # The whole country: one marker row (code NATIONAL_CODE), not from Kemendagri's list;
    # it gives the national office a region like every other office (nothing lies below it
    # by code, so "the office's own area" of the national office is empty).
    NATIONAL = 0, _("Nasional")
    PROVINCE = 1, _("Provinsi")
    CITY = 2, _("Kabupaten/Kota")
    KECAMATAN = 3, _("Kecamatan")
    KELURAHAN = 4, _("Kelurahan/Desa")


NATIONAL_CODE = "00"


class RegionQuerySet(models.QuerySet["Region"]):
    def children_of(self, code: str) -> RegionQuerySet:
        return self.filter(parent_id=code)

    def within(self, code: str) -> RegionQuerySet:
        """The region itself and every region below it (codes nest by prefix)."""
        return self.filter(models.Q(code=code) | models.Q(code__startswith=f"{code}."))

    def kecamatan(self) -> RegionQuerySet:
        return self.filter(level=RegionLevel.KECAMATAN)

    def kelurahan(self) -> RegionQuerySet:
        return self.filter(level=RegionLevel.KELURAHAN)


class Region(models.Model):
    """A Kemendagri administrative region; the code is the key everyone shares."""

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # GeoJSON geometry (Polygon/MultiPolygon, WGS84), attached by `import_boundaries`.
    boundary = models.JSONField(_("batas wilayah"), null=True, blank=True)
    label_lat = models.FloatField(null=True, blank=True)
    label_lng = models.FloatField(null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return self.name
