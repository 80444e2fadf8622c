from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.inputs import CleanTextFormMixin

from .models import Stage


class StageForm(CleanTextFormMixin, forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name", "name_en", "starts_on", "ends_on", "order"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"order": _("Urutan tampil pada linimasa.")}
