from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.inputs import CleanTextFormMixin
from mitra.regions.models import Region

from .models import Election, ElectionKind, Stage

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StageForm(CleanTextFormMixin, forms.ModelForm):
    with_siblings = forms.BooleanField(
        label=_("Terapkan juga pada tahapan yang sama di pemilihan lain"),
        required=False,
        initial=True,
    )

    class Meta:
        model = Stage
        fields = ["name", "name_en", "starts_on", "ends_on", "order"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        help_texts = {"order": _("Urutan tampil pada linimasa.")}

    def __init__(self, *args: Any, siblings: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if siblings:
            names = ", ".join(str(s.election) for s in siblings)
            self.fields["with_siblings"].help_text = _("Juga berlaku untuk: %(names)s") % {
                "names": names
            }
        else:
            del self.fields["with_siblings"]


class StagesForm(CleanTextFormMixin, forms.Form):
    """A new stage for one or several elections of the programme (held on the same day)."""

    elections = forms.ModelMultipleChoiceField(
        label=_("Berlaku untuk pemilihan"),
        queryset=Election.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    name = forms.CharField(label=_("Nama tahapan"), max_length=160)
    starts_on = forms.DateField(label=_("Mulai"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Selesai"), widget=DATE_WIDGET)
    order = forms.IntegerField(
        label=_("Urutan"),
        min_value=0,
        max_value=32000,
        initial=0,
        help_text=_("Urutan tampil pada linimasa."),
    )

    def __init__(self, *args: Any, elections: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["elections"]
        field.queryset = elections
        self.initial.setdefault("elections", [e.pk for e in elections])


class ProgrammeForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Nama program"), max_length=160)
    voting_day = forms.DateField(label=_("Hari pemungutan suara"), widget=DATE_WIDGET)
    description = forms.CharField(
        label=_("Deskripsi"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_current = forms.BooleanField(
        label=_("Program berjalan (dipakai untuk kegiatan baru)"), required=False, initial=True
    )


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class ElectionForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Nama pemilihan"), max_length=160)
    short_name = forms.CharField(
        label=_("Nama singkat"), max_length=60, help_text=_("mis. Pilwalkot Bandung")
    )
    kind = forms.ChoiceField(
        label=_("Jenis"), choices=[("", _("Pilih jenis…")), *ElectionKind.choices]
    )
    region = RegionChoiceField(
        label=_("Wilayah"), queryset=Region.objects.none(), empty_label=_("Pilih wilayah…")
    )

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["region"]
        field.queryset = regions


class SegmentForm(CleanTextFormMixin, forms.Form):
    code = forms.SlugField(
        label=_("Kode"), max_length=40, help_text=_("Huruf kecil, angka dan tanda hubung.")
    )
    name = forms.CharField(label=_("Nama"), max_length=120)
    min_age = forms.IntegerField(
        label=_("Usia minimal"), min_value=0, max_value=150, required=False
    )
    max_age = forms.IntegerField(
        label=_("Usia maksimal"), min_value=0, max_value=150, required=False
    )
    order = forms.IntegerField(label=_("Urutan"), min_value=0, max_value=32000, initial=100)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the code identifies the segment in imports and filters; it stays
            self.fields["code"].disabled = True
            self.fields["code"].help_text = ""


# A boundary file is one city's or province's polygons: a few MB at most.
BOUNDARY_MAX_BYTES = 20 * 1024 * 1024


class OfficeOnboardForm(CleanTextFormMixin, forms.Form):
    region = forms.ChoiceField(label=_("Wilayah"))
    name = forms.CharField(
        label=_("Nama kantor"),
        max_length=160,
        required=False,
        help_text=_("Kosongkan untuk memakai KPU dan nama wilayah."),
    )
    admin_email = forms.EmailField(
        label=_("Email admin pertama"),
        help_text=_("Ia menerima tautan untuk membuat kata sandinya."),
    )
    programme = forms.TypedChoiceField(label=_("Salin program"), coerce=int)
    boundaries = forms.FileField(
        label=_("Batas wilayah (GeoJSON, opsional)"),
        required=False,
        help_text=_("Poligon kecamatan/kelurahan dengan properti kode dan nama."),
    )

    def __init__(
        self,
        *args: Any,
        regions: list[tuple[str, str]],
        programmes: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions  # type: ignore[attr-defined]
        self.fields["programme"].choices = programmes  # type: ignore[attr-defined]

    def clean_boundaries(self) -> bytes | None:
        upload = self.cleaned_data.get("boundaries")
        if not upload:
            return None
        if upload.size > BOUNDARY_MAX_BYTES:
            raise forms.ValidationError(_("Berkas batas wilayah terlalu besar (maks. 20 MB)."))
        raw: bytes = upload.read()
        return raw
