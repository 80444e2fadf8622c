"""Input validation for the partner pages; rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from mitra.core.inputs import CleanTextFormMixin, PlainSelect
from mitra.core.uploads import CheckedFileField, check_size
from mitra.elections.models import Segment, Theme
from mitra.offices.models import Office
from mitra.regions.models import Region

from .models import (
    Agreement,
    AgreementStatus,
    DeliverableMetric,
    Partner,
    PartnerCategory,
    PartnerStatus,
)
from .phones import whatsapp_normalize
from .selectors import partner_filter_options
from .services import COORDINATOR_FIELDS

# In the order the form shows them.
PARTNER_FIELDS = [
    "code",
    "name",
    "category",
    "status",
    "segments",
    "areas",
    "description",
    "contact_name",
    "whatsapp",
    "email",
    "instagram",
    "facebook",
    "tiktok",
    "website",
    "member_count",
    "public_contact_opt_in",
]


class PartnerForm(CleanTextFormMixin, forms.ModelForm):
    website = forms.URLField(label=_("situs web"), required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = PARTNER_FIELDS
        widgets = {
            "segments": forms.CheckboxSelectMultiple,
            "whatsapp": forms.TextInput(attrs={"type": "tel", "placeholder": "0812…"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, office: Any, coordinator: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Kosongkan untuk dibuat otomatis.")
        if "category" in self.fields:
            self.fields["category"].queryset = PartnerCategory.objects.filter(office=office)  # type: ignore[attr-defined]
        self.fields["segments"].queryset = Segment.objects.filter(office=office).order_by("order")  # type: ignore[attr-defined]
        self.fields["areas"].queryset = (  # type: ignore[attr-defined]
            Region.objects.within(office.region_id)
            .filter(level__gte=3)
            .defer("boundary")
            .order_by("code")
        )
        self.fields["areas"].widget.attrs["size"] = 10
        if coordinator:  # the commission's fields are not theirs to change (or to see here)
            for name in [n for n in self.fields if n not in COORDINATOR_FIELDS]:
                del self.fields[name]

    def clean_whatsapp(self) -> str:
        try:
            return whatsapp_normalize(self.cleaned_data.get("whatsapp") or "")
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0], code="invalid_phone") from exc

    def validate_unique(self) -> None:
        """Uniqueness is the service's job (the office is not a form field)."""

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["segments"] = [s.pk for s in data.get("segments", [])]
        data["areas"] = [r.pk for r in data.get("areas", [])]
        return data


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False)
    category = forms.TypedChoiceField(
        label=_("Kategori"),
        choices=[],
        coerce=int,
        empty_value=None,
        required=False,
        widget=PlainSelect,
    )
    segment = forms.TypedChoiceField(
        label=_("Segmen"),
        choices=[],
        coerce=int,
        empty_value=None,
        required=False,
        widget=PlainSelect,
    )
    kecamatan = forms.ChoiceField(
        label=_("Kecamatan"), choices=[], required=False, widget=PlainSelect
    )
    status = forms.ChoiceField(
        label=_("Status mitra"), choices=[("", "—"), *PartnerStatus.choices], required=False
    )
    agreement_status = forms.ChoiceField(
        label=_("Status perjanjian"), choices=[("", "—"), *AgreementStatus.choices], required=False
    )

    def __init__(self, *args: Any, office: Any, **kwargs: Any) -> None:
        """The drop-downs' options are (value, label) rows cached per office: checking a
        choice and rendering the options need no query and build no model object."""
        super().__init__(*args, **kwargs)
        options = partner_filter_options(office=office)
        for name in ("category", "segment", "kecamatan"):
            self.fields[name].choices = [*BLANK_CHOICE_DASH, *options[name]]  # type: ignore[attr-defined]


class AgreementForm(CleanTextFormMixin, forms.ModelForm):
    document = CheckedFileField(
        kinds={"pdf"}, label=_("Dokumen bertanda tangan (PDF)"), required=False
    )

    class Meta:
        model = Agreement
        fields = ["number", "signed_on", "valid_from", "valid_until", "signatories", "notes"]
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "signatories": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error(
                "valid_until", _("Tanggal akhir berlaku tidak boleh sebelum tanggal mulai.")
            )
        return data

    def _post_clean(self) -> None:
        """Model validation (constraints) is the service's job."""


Choices = list[tuple[Any, str]]
_EMPTY_CHOICE = ("", "---------")  # what a ModelChoiceField offers for "none"


def deliverable_form_kwargs(*, office: Office) -> dict[str, Choices]:
    """The theme and segment choices of the office, loaded once for every form of the formset
    (model choice fields would query them again for each form)."""
    themes = Theme.objects.filter(programme__office=office)
    segments = Segment.objects.filter(office=office).order_by("order")
    return {
        "themes": [_EMPTY_CHOICE, *((t.pk, str(t)) for t in themes)],
        "segments": [_EMPTY_CHOICE, *((s.pk, str(s)) for s in segments)],
    }


class DeliverableForm(CleanTextFormMixin, forms.Form):
    metric = forms.ChoiceField(label=_("Ukuran"), choices=DeliverableMetric.choices)
    # Cleaned to the chosen id, or None.
    theme = forms.TypedChoiceField(label=_("Tema"), coerce=int, empty_value=None, required=False)
    segment = forms.TypedChoiceField(
        label=_("Segmen"), coerce=int, empty_value=None, required=False
    )
    target = forms.IntegerField(label=_("Target"), min_value=0, required=False)

    def __init__(self, *args: Any, themes: Choices, segments: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = themes  # type: ignore[attr-defined]
        self.fields["segment"].choices = segments  # type: ignore[attr-defined]


DeliverableFormSet = forms.formset_factory(DeliverableForm, extra=3, can_delete=True)


class CategoryForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Nama kategori"), max_length=120)
    code = forms.SlugField(label=_("Kode"), max_length=40, required=False)


class InvitationForm(CleanTextFormMixin, forms.Form):
    email = forms.EmailField(label=_("Email koordinator"))


class AcceptInvitationForm(CleanTextFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=160)
    password1 = forms.CharField(label=_("Kata sandi"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("Ulangi kata sandi"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        from django.contrib.auth.password_validation import validate_password

        from mitra.accounts.models import User

        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        elif first:
            try:
                validate_password(
                    first, User(email=self.email, full_name=data.get("full_name", ""))
                )
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas XLSX atau CSV"),
        help_text=_("Gunakan templat: satu baris per mitra, baris pertama berisi judul kolom."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        check_size(file)
        return file
