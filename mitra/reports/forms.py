"""Input of the reports pages: what a programme report covers, a photo's caption, the
letterhead (with a signature image checked by content), a certificate (a partner's, or a
named person's of an activity)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.uploads import CheckedFileField
from mitra.elections.models import Programme

from .models import RecipientRole
from .selectors import ReportParams

FORMATS = (("pdf", "PDF"), ("xlsx", "XLSX"))
LANGUAGES = (("id", "Bahasa Indonesia"), ("en", "English"))


class ProgrammeReportForm(forms.Form):
    programme = forms.TypedChoiceField(label=_("Program"), coerce=int)
    election = forms.TypedChoiceField(
        label=_("Pemilihan (pemilih sebagai penyebut)"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    date_from = forms.DateField(
        label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.ChoiceField(label=_("Bahasa"), choices=LANGUAGES, initial="id")
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="pdf")

    def __init__(
        self, *args: Any, programme: Programme, programmes: list[Programme], **kwargs: Any
    ) -> None:
        """`programme`: the running one (chosen first); `programmes`: every programme of the
        office, so a finished one (e.g. 2024, after its vote) can be accounted for too."""
        super().__init__(*args, **kwargs)
        choice = self.fields["programme"]
        assert isinstance(choice, forms.TypedChoiceField)
        choice.choices = [(p.pk, str(p)) for p in programmes]
        self.initial.setdefault("programme", programme.pk)
        self._elections = {e.pk: e.programme_id for p in programmes for e in p.elections.all()}
        field = self.fields["election"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("semua pemilihan program"))] + [
            (e.pk, f"{p} — {e}")
            for p in programmes
            for e in sorted(p.elections.all(), key=lambda e: (e.voting_day, e.name))
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(
                _("Tanggal awal harus sebelum tanggal akhir."), code="period"
            )
        election = data.get("election")
        if election and self._elections.get(election) != data.get("programme"):
            self.add_error("election", _("Pemilihan ini bukan bagian dari program yang dipilih."))
        return data

    def params(self) -> ReportParams:
        data = self.cleaned_data
        return ReportParams(
            programme_id=data.get("programme"),
            election_id=data.get("election"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            language=data.get("language") or "id",
        )


class PhotoPickForm(forms.Form):
    caption = forms.CharField(label=_("Keterangan foto"), max_length=200)
    theme = forms.TypedChoiceField(label=_("Tema"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, themes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["theme"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *themes]


class LetterheadForm(forms.Form):
    heading = forms.CharField(label=_("Kop surat"), max_length=200)
    address_line = forms.CharField(label=_("Alamat pada kop"), max_length=250, required=False)
    signatory_name = forms.CharField(label=_("Nama penanda tangan"), max_length=120)
    signatory_title = forms.CharField(label=_("Jabatan penanda tangan"), max_length=120)
    signature = CheckedFileField(
        label=_("Gambar tanda tangan"),
        kinds=["png", "jpeg"],
        max_bytes=1024 * 1024,
        required=False,
    )


class CertificateForm(forms.Form):
    citation = forms.CharField(
        label=_("Diberikan atas"),
        max_length=250,
        initial=_("Atas peran serta dalam pendidikan pemilih"),
    )


class ActivityCertificateForm(forms.Form):
    """A person's certificate: the name as it is to be printed and the role, nothing more."""

    recipient_name = forms.CharField(label=_("Nama penerima"), max_length=120)
    recipient_role = forms.ChoiceField(label=_("Peran"), choices=RecipientRole.choices)
    citation = forms.CharField(
        label=_("Diberikan atas"),
        max_length=250,
        required=False,
        initial=_("Atas peran serta dalam pendidikan pemilih"),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pencabutan"), max_length=250)
