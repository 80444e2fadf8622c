from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.activities.forms import approach_choices, approach_filter
from mitra.activities.models import Approach
from mitra.activities.selectors import programme_approaches
from mitra.core.inputs import CleanTextFormMixin
from mitra.elections.models import Election, ElectionKind, Programme, Segment, Theme

from .models import TargetMetric
from .selectors import DashboardFilters, FilterChoices


class FilterForm(forms.Form):
    election = forms.ModelChoiceField(
        queryset=Election.objects.none(),
        required=False,
        label=_("Pemilihan"),
        empty_label=_("Semua"),
    )
    date_from = forms.DateField(
        required=False, label=_("Dari tanggal"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("Sampai tanggal"), widget=forms.DateInput(attrs={"type": "date"})
    )
    segment = forms.ModelChoiceField(
        queryset=Segment.objects.none(), required=False, label=_("Segmen"), empty_label=_("Semua")
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(), required=False, label=_("Tema"), empty_label=_("Semua")
    )
    approach = forms.ChoiceField(required=False, label=_("Pendekatan"), choices=[])
    level = forms.ChoiceField(
        required=False,
        label=_("Tingkat peta"),
        choices=[("kecamatan", _("Kecamatan")), ("kelurahan", _("Kelurahan"))],
    )
    measure = forms.ChoiceField(
        required=False,
        label=_("Warna peta"),
        choices=[
            ("reach", _("Jangkauan per 1.000 pemilih")),
            ("activities", _("Kegiatan per 10.000 pemilih")),
        ],
    )

    def __init__(
        self,
        *args: Any,
        programme: Programme,
        choices: FilterChoices | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["election"].queryset = Election.objects.filter(programme=programme)  # type: ignore[attr-defined]
        self.fields["segment"].queryset = Segment.objects.filter(office_id=programme.office_id)  # type: ignore[attr-defined]
        self.fields["theme"].queryset = Theme.objects.filter(programme=programme)  # type: ignore[attr-defined]
        approaches = choices.approaches if choices is not None else None
        self.fields["approach"].choices = approach_choices(  # type: ignore[attr-defined]
            programme_approaches(programme=programme) if approaches is None else approaches
        )
        if choices is not None:
            # Options already read (shared with the dashboard): no query (nor server-side
            # cursor) per select when the form renders; validation still uses the querysets.
            for name, objects in (
                ("election", choices.elections),
                ("segment", choices.segments),
                ("theme", choices.themes),
            ):
                field = self.fields[name]
                field.choices = [("", field.empty_label), *((o.pk, str(o)) for o in objects)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            # Said under "Sampai tanggal", which is then left out (see `filters`).
            self.add_error("date_to", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
        return cleaned

    def filters(self) -> DashboardFilters:
        """The filters asked for; a field with an error is left out, the others still apply."""
        if not self.is_bound:
            return DashboardFilters()
        self.is_valid()  # cleaned_data then holds the valid fields only
        c = self.cleaned_data
        return DashboardFilters(
            election_id=c["election"].pk if c.get("election") else None,
            date_from=c.get("date_from"),
            date_to=c.get("date_to"),
            segment_id=c["segment"].pk if c.get("segment") else None,
            theme_id=c["theme"].pk if c.get("theme") else None,
            **approach_filter(c.get("approach")),
            level=c.get("level") or "kecamatan",
            measure=c.get("measure") or "reach",
        )


class VoterImportForm(forms.Form):
    election = forms.ModelChoiceField(queryset=Election.objects.none(), label=_("Pemilihan"))
    file = forms.FileField(label=_("Berkas XLSX atau CSV"))

    def __init__(self, *args: Any, programme: Programme | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programme is not None:
            self.fields["election"].queryset = Election.objects.filter(  # type: ignore[attr-defined]
                office_id=programme.office_id
            )  # type: ignore[attr-defined]


class ResultsImportForm(forms.Form):
    """Official results per TPS: of one of the office's elections, or of an earlier one
    (name, year and kind given) kept as a baseline."""

    election = forms.ModelChoiceField(
        queryset=Election.objects.none(),
        required=False,
        label=_("Pemilihan program"),
        empty_label=_("— pemilihan sebelumnya (isi di bawah) —"),
    )
    label = forms.CharField(
        label=_("Nama pemilihan sebelumnya"),
        max_length=80,
        required=False,
        help_text=_("mis. Pilwalkot Bandung 2018, Pemilu 2019"),
    )
    year = forms.IntegerField(label=_("Tahun"), min_value=1955, max_value=2100, required=False)
    contest_kind = forms.ChoiceField(
        label=_("Jenis pemilihan"), choices=[("", "—"), *ElectionKind.choices], required=False
    )
    voting_day = forms.DateField(
        label=_("Hari pemungutan suara"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Perlu untuk pembanding plasebo pada tahun yang sama dengan program."),
    )
    file = forms.FileField(label=_("Berkas XLSX atau CSV"))

    def __init__(self, *args: Any, office_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["election"].queryset = Election.objects.filter(office_id=office_id)  # type: ignore[attr-defined]


class TargetForm(CleanTextFormMixin, forms.Form):
    metric = forms.ChoiceField(label=_("Ukuran"), choices=TargetMetric.choices)
    segment = forms.ModelChoiceField(
        queryset=Segment.objects.none(), required=False, label=_("Segmen"), empty_label=_("Semua")
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(), required=False, label=_("Tema"), empty_label=_("Semua")
    )
    approach = forms.ModelChoiceField(
        queryset=Approach.objects.none(),
        required=False,
        label=_("Pendekatan"),
        empty_label=_("Semua"),
    )
    value = forms.IntegerField(label=_("Target"), min_value=1)
    note = forms.CharField(label=_("Keterangan"), max_length=200, required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.filter(office_id=programme.office_id)  # type: ignore[attr-defined]
        self.fields["theme"].queryset = Theme.objects.filter(programme=programme)  # type: ignore[attr-defined]
        self.fields["approach"].queryset = programme_approaches(programme=programme)  # type: ignore[attr-defined]


class TargetEditForm(CleanTextFormMixin, forms.Form):
    """A target's figure and note; what it measures stays (delete and add to change that)."""

    value = forms.IntegerField(label=_("Target"), min_value=1)
    note = forms.CharField(label=_("Keterangan"), max_length=200, required=False)


class SegmentShareForm(forms.Form):
    """The office's estimate of a segment's share of all voters, for gap scoring."""

    share = forms.DecimalField(
        label=_("Perkiraan bagian dari semua pemilih (%)"),
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        decimal_places=2,
        required=False,
        help_text=_("Kosongkan untuk memakai perkiraan bawaan."),
    )
    source = forms.CharField(
        label=_("Sumber perkiraan"),
        max_length=200,
        required=False,
        help_text=_("Misalnya: data disabilitas DPT 2024, survei BPS, atau catatan kantor."),
    )
