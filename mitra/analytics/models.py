from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.offices.models import OfficeScoped


class VoterCount(OfficeScoped):
    """The voter list recap (DPT) of one kelurahan for one election."""

    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, related_name="voter_counts"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    voters_total = models.PositiveIntegerField(_("jumlah pemilih"))
    voters_men = models.PositiveIntegerField(_("laki-laki"))
    voters_women = models.PositiveIntegerField(_("perempuan"))
    first_time_voters = models.PositiveIntegerField(_("pemilih pemula"), null=True, blank=True)
    polling_stations = models.PositiveIntegerField(_("jumlah TPS"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "region"], name="voter_count_per_area")
        ]
        verbose_name = _("rekap DPT")
        verbose_name_plural = _("rekap DPT")

    def __str__(self) -> str:
        return f"{self.region_id}: {self.voters_total}"


class PastTurnout(OfficeScoped):
    """Turnout of an earlier election in one kelurahan (registered and who voted)."""

    label = models.CharField(_("pemilihan"), max_length=80, help_text=_("mis. Pilwalkot 2018"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    registered = models.PositiveIntegerField(_("pemilih terdaftar"))
    voted = models.PositiveIntegerField(_("pengguna hak pilih"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "label", "region"], name="past_turnout_per_area"
            ),
            models.CheckConstraint(
                condition=models.Q(voted__lte=models.F("registered")),
                name="voted_within_registered",
            ),
        ]
        verbose_name = _("partisipasi sebelumnya")
        verbose_name_plural = _("partisipasi sebelumnya")

    def __str__(self) -> str:
        return f"{self.label} {self.region_id}"
