from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.core.imports import ImportBase
from mitra.elections.models import ElectionKind, ThemeSegmentTarget
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


class ElectionResult(OfficeScoped):
    """The official results of one election in the office's area, imported per TPS.

    Either one of the office's own elections (the programme's outcome) or an earlier one
    kept as a baseline (e.g. Pilwalkot 2018, Pemilu 2019); re-importing replaces it whole.
    """

    name = models.CharField(_("pemilihan"), max_length=80, help_text=_("mis. Pilwalkot 2018"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    voting_day = models.DateField(_("hari pemungutan suara"), null=True, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=ElectionKind.choices)
    election = models.OneToOneField(
        "elections.Election",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="result",
        verbose_name=_("pemilihan program"),
    )

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="election_result_name")
        ]
        verbose_name = _("hasil pemilihan")
        verbose_name_plural = _("hasil pemilihan")

    def __str__(self) -> str:
        return self.name


class StationResult(OfficeScoped):
    """One polling station's (TPS) recapitulation: voters on the lists and who voted.

    `tps` is empty for a kelurahan total carried over from the former kelurahan-level
    turnout import (see migration 0003); new imports always name the TPS.
    """

    result = models.ForeignKey(ElectionResult, on_delete=models.CASCADE, related_name="stations")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    tps = models.CharField(_("TPS"), max_length=10, blank=True)
    dpt = models.PositiveIntegerField(_("DPT"))
    dptb = models.PositiveIntegerField(_("DPTb"), null=True, blank=True)
    dpk = models.PositiveIntegerField(_("DPK"), null=True, blank=True)
    registered = models.PositiveIntegerField(_("pemilih terdaftar"))  # DPT + DPTb + DPK
    voted = models.PositiveIntegerField(_("pengguna hak pilih"))
    voted_men = models.PositiveIntegerField(_("pengguna laki-laki"), null=True, blank=True)
    voted_women = models.PositiveIntegerField(_("pengguna perempuan"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result", "region", "tps"], name="one_row_per_tps"),
            models.CheckConstraint(
                condition=models.Q(voted__lte=models.F("registered")),
                name="station_voted_within_registered",
            ),
        ]
        verbose_name = _("hasil TPS")
        verbose_name_plural = _("hasil TPS")

    def __str__(self) -> str:
        return f"{self.region_id} TPS {self.tps}"


class TargetMetric(models.TextChoices):
    REACH = "reach", _("Jangkauan (orang)")
    ACTIVITIES = "activities", _("Jumlah kegiatan")
    ACTIVITIES_PER_KELURAHAN = "activities_per_kelurahan", _("Kegiatan minimal per kelurahan")
    TURNOUT = "turnout", _("Partisipasi pemilih (%)")


class Target(OfficeScoped, ThemeSegmentTarget):
    """A programme target set by staff: e.g. reach 5,000 first-time voters, 90 % turnout."""

    programme = models.ForeignKey(
        "elections.Programme",
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("program"),
    )
    approach = models.ForeignKey(
        "activities.Approach",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pendekatan"),
    )
    metric = models.CharField(_("ukuran"), max_length=30, choices=TargetMetric.choices)
    value = models.PositiveIntegerField(_("target"))
    note = models.CharField(_("keterangan"), max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("target")

    def __str__(self) -> str:
        return f"{self.get_metric_display()} ≥ {self.value}"


class ImportKind(models.TextChoices):
    VOTERS = "voters", _("Rekap DPT")
    RESULTS = "results", _("Hasil per TPS")


class FiguresImport(OfficeScoped, ImportBase):
    """A checked voter-count or results spreadsheet waiting for confirmation: nothing is
    written before that. `rows` are the validated rows, ready to write."""

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=80, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    contest_kind = models.CharField(max_length=20, blank=True)  # results: ElectionKind
    voting_day = models.DateField(null=True, blank=True)  # results: when known
    errors = models.JSONField(default=list)  # [{"row": n, "message": "..."}]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impor angka pemilih")
        verbose_name_plural = _("impor angka pemilih")
