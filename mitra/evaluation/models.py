from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.offices.models import OfficeScoped


class StaggeredPlan(OfficeScoped):
    """A programme's staggered partner priority, drawn before the vote (docs/evaluation.md).

    Among the eligible kelurahan, a share drawn at random within each kecamatan gets the
    extra partner priority only from `late_from`; every kelurahan keeps the commission's
    standard programme. The seed makes the draw reproducible by anyone.
    """

    programme = models.OneToOneField(
        "elections.Programme", on_delete=models.CASCADE, related_name="staggered_plan"
    )
    seed = models.BigIntegerField(_("benih acak"))
    late_share = models.PositiveSmallIntegerField(_("bagian kelompok akhir (%)"))
    late_from = models.DateField(_("prioritas kelompok akhir mulai"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rancangan prioritas bertahap")
        verbose_name_plural = _("rancangan prioritas bertahap")

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.late_share} % / {self.seed}"


class StaggeredAssignment(models.Model):
    """One eligible kelurahan's group in the draw: early (priority now) or late."""

    plan = models.ForeignKey(StaggeredPlan, on_delete=models.CASCADE, related_name="assignments")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    block = models.CharField(max_length=20)  # the kecamatan code the draw was made within
    late = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "region"], name="one_group_per_kelurahan")
        ]

    def __str__(self) -> str:
        return f"{self.region_id}: {'late' if self.late else 'early'}"
