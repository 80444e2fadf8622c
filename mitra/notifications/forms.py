from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mitra.partners.phones import whatsapp_normalize

from .models import Channel
from .personal_data import VOTING_DAY


class TemplateForm(forms.Form):
    subject = forms.CharField(label=_("Judul"), max_length=250)
    body = forms.CharField(label=_("Isi"), widget=forms.Textarea(attrs={"rows": 8}))


class TestSendForm(forms.Form):
    channel = forms.ChoiceField(label=_("Saluran"), choices=Channel.choices)
    phone = forms.CharField(
        label=_("Nomor WhatsApp (untuk uji kirim WhatsApp)"), required=False, max_length=32
    )

    def clean_phone(self) -> str:
        return whatsapp_normalize(self.cleaned_data.get("phone") or "")


class QuietHoursForm(forms.Form):
    quiet_start = forms.TimeField(
        label=_("Jam tenang mulai"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_end = forms.TimeField(
        label=_("Jam tenang selesai"), widget=forms.TimeInput(attrs={"type": "time"})
    )


class SignupForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Ingatkan saya lewat"),
        choices=[(Channel.EMAIL, _("Email")), (Channel.WHATSAPP, _("WhatsApp"))],
        widget=forms.RadioSelect,
        initial=Channel.EMAIL,
    )
    address = forms.CharField(label=_("Alamat email atau nomor WhatsApp"), max_length=254)
    consent = forms.BooleanField(label=VOTING_DAY.text)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        channel, address = data.get("channel"), (data.get("address") or "").strip()
        if channel == Channel.EMAIL and address:
            try:
                forms.EmailField().clean(address)
            except ValidationError:
                self.add_error("address", _("Alamat email tidak valid."))
        elif channel == Channel.WHATSAPP and address:
            try:
                data["address"] = whatsapp_normalize(address)
            except ValidationError as exc:
                self.add_error("address", exc)
        return data
