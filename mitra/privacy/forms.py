"""Forms of the privacy pages (validation only; the services hold the rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.inputs import CleanTextFormMixin
from mitra.notifications.models import Channel

from .models import PrivacySettings, RequestKind


class RequestForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Yang ingin Anda lakukan"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    channel = forms.ChoiceField(
        label=_("Kirim kode konfirmasi lewat"),
        choices=[(Channel.EMAIL, _("Email")), (Channel.WHATSAPP, _("WhatsApp"))],
        widget=forms.RadioSelect,
        initial=Channel.EMAIL,
    )
    address = forms.CharField(
        label=_("Email atau nomor WhatsApp yang Anda berikan saat mendaftar"), max_length=254
    )
    details = forms.CharField(
        label=_("Keterangan (wajib untuk perbaikan: data mana dan menjadi apa)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )


class CodeForm(CleanTextFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Kode konfirmasi (6 angka)"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class FollowUpForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Permintaan"),
        choices=[
            (RequestKind.CORRECT, RequestKind.CORRECT.label),
            (RequestKind.ERASE, RequestKind.ERASE.label),
        ],
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Keterangan (wajib untuk perbaikan)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )


class CloseForm(CleanTextFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Catatan untuk pemohon"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class SettingsForm(CleanTextFormMixin, forms.ModelForm):
    class Meta:
        model = PrivacySettings
        fields = [
            "controller_contact",
            "dpo_name",
            "dpo_email",
            "dpo_phone",
            "attendee_contacts_days",
            "device_hashes_days",
            "refused_scans_days",
            "delivery_logs_days",
            "photos_days",
            "import_files_days",
        ]
        widgets = {"controller_contact": forms.Textarea(attrs={"rows": 3})}
