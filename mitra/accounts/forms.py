from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


class LoginForm(AuthenticationForm):
    """Email and password, plus the authenticator code for accounts that turned it on."""

    otp_token = forms.CharField(
        label=_("Kode autentikator"),
        required=False,
        max_length=8,
        help_text=_("Hanya jika verifikasi dua langkah aktif di akun Anda."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email"}
        )
        self.otp_device: TOTPDevice | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
        if device is not None:
            token = (cleaned.get("otp_token") or "").strip()
            if not token:
                raise forms.ValidationError(
                    _("Masukkan kode 6 digit dari aplikasi autentikator Anda."), code="otp_required"
                )
            if not device.verify_token(token):
                # A wrong code counts as a failed login for the lockout (django-axes
                # listens to this signal), so codes cannot be guessed without limit.
                user_login_failed.send(
                    sender=type(self),
                    credentials={"username": cleaned.get("username", "")},
                    request=self.request,
                )
                raise forms.ValidationError(
                    _("Kode autentikator salah atau kedaluwarsa."), code="otp_invalid"
                )
            self.otp_device = device
        return cleaned


class TotpConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("Kode dari aplikasi"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TotpRemoveForm(forms.Form):
    """Turning the second factor off needs the password and a current code."""

    password = forms.CharField(
        label=_("Kata sandi"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    token = forms.CharField(
        label=_("Kode dari aplikasi"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
