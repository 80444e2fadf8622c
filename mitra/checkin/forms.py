"""Forms of the attendance pages (validation only; the services hold the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.inputs import CleanTextFormMixin
from mitra.regions.models import Region

from .models import AgeBand, Gender
from .personal_data import CHECKIN_NAME, CHECKIN_SENSITIVE, REGISTRATION
from .services import CheckinError, consent_check

YES_NO = [("1", _("Ya")), ("0", _("Tidak"))]
OUTSIDE = "luar"


def _yes_no(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


def _city_label(city: Region) -> str:
    """How residents name their city: "Kota Bandung" is "Bandung"; a regency keeps
    "Kabupaten" so it is not mistaken for the city of the same name."""
    return city.name.removeprefix("Kota ")


class SelfCheckinForm(CleanTextFormMixin, forms.Form):
    age_band = forms.ChoiceField(
        label=_("Usia (boleh tidak diisi)"),
        choices=AgeBand.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    gender = forms.ChoiceField(
        label=_("Jenis kelamin"), choices=Gender.choices, widget=forms.RadioSelect
    )
    kelurahan = forms.ChoiceField(label=_("Kelurahan tempat tinggal"))
    first_time_voter = forms.ChoiceField(
        label=_("Apakah ini pertama kali Anda memilih?"), choices=YES_NO, widget=forms.RadioSelect
    )
    disability = forms.ChoiceField(
        label=_("Penyandang disabilitas (boleh tidak diisi)"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    name = forms.CharField(label=_("Nama (boleh tidak diisi)"), max_length=120, required=False)
    pledge = forms.BooleanField(required=False)
    consent = forms.BooleanField(required=False, label=CHECKIN_NAME.text)
    # Age and disability are a specific category (children's and health data): asked for
    # with a consent of their own, and dropped without it.
    sensitive_consent = forms.BooleanField(required=False, label=CHECKIN_SENSITIVE.text)
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, city: Region, voting_day: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kelurahan = (
            Region.objects.kelurahan().filter(code__startswith=f"{city.code}.").order_by("name")
        )
        self.regions = {r.code: r for r in kelurahan}
        self.fields["kelurahan"].choices = [  # type: ignore[attr-defined]
            ("", _("— pilih kelurahan —")),
            *[(r.code, r.name) for r in self.regions.values()],
            (OUTSIDE, _("Luar %(city)s / luar kota") % {"city": _city_label(city)}),
        ]
        self.fields["pledge"].label = _("Saya akan memilih pada %(day)s.") % {"day": voting_day}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _consent_error(self, data, asks_contact=False)
        if (data.get("age_band") or data.get("disability")) and not data.get("sensitive_consent"):
            self.add_error(
                "sensitive_consent",
                _("Centang persetujuan data usia dan disabilitas bila Anda mengisinya."),
            )
        return data

    def answers(self) -> dict[str, Any]:
        d = self.cleaned_data
        outside = d["kelurahan"] == OUTSIDE
        return {
            "age_band": d["age_band"],
            "gender": d["gender"],
            "kelurahan": None if outside else self.regions.get(d["kelurahan"]),
            "outside_city": outside,
            "first_time_voter": _yes_no(d["first_time_voter"]),
            "disability": _yes_no(d.get("disability") or ""),
            "pledge": bool(d.get("pledge")),
            "name": d.get("name") or "",
            "consent": bool(d.get("consent")),
            "sensitive_consent": bool(d.get("sensitive_consent")),
        }


def _consent_error(form: forms.Form, data: dict[str, Any], *, asks_contact: bool) -> None:
    try:
        consent_check(
            name=data.get("name") or "",
            email=data.get("email") or "",
            phone=data.get("phone") or "",
            consent=bool(data.get("consent")),
            asks_contact=asks_contact,
        )
    except CheckinError as exc:
        form.add_error("consent", exc.message)


class RegistrationForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Nama (boleh tidak diisi)"), max_length=120, required=False)
    email = forms.EmailField(
        label=_("Email (untuk menerima tiket; boleh tidak diisi)"), required=False
    )
    phone = forms.CharField(label=_("Telepon (boleh tidak diisi)"), max_length=32, required=False)
    consent = forms.BooleanField(label=REGISTRATION.text, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _consent_error(self, data, asks_contact=True)
        return data


class PointSettingsForm(CleanTextFormMixin, forms.Form):
    self_checkin = forms.BooleanField(label=_("Daftar hadir mandiri (QR poster)"), required=False)
    opens_before_minutes = forms.IntegerField(
        label=_("Dibuka (menit sebelum mulai)"), min_value=0, max_value=7 * 24 * 60
    )
    closes_after_minutes = forms.IntegerField(
        label=_("Ditutup (menit setelah mulai)"), min_value=0, max_value=7 * 24 * 60
    )
    requires_registration = forms.BooleanField(label=_("Perlu pendaftaran"), required=False)
    capacity = forms.IntegerField(
        label=_("Kapasitas (kosong bila tidak dibatasi)"), min_value=1, required=False
    )
    confirm_by_message = forms.BooleanField(
        label=_("Konfirmasi lewat email/WhatsApp sebelum tempat dipegang"),
        help_text=_(
            "Pendaftar menerima tautan konfirmasi; tanpa konfirmasi dalam 24 jam pendaftaran "
            "kedaluwarsa dan tidak dihitung."
        ),
        required=False,
    )
