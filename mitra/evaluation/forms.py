from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _


class PlanForm(forms.Form):
    """A staggered-priority design to preview (GET) and, when it suits, to draw (POST)."""

    eligible = forms.IntegerField(
        label=_("Kelurahan yang memenuhi syarat (celah terbesar)"),
        min_value=4,
        max_value=500,
        initial=60,
    )
    late_share = forms.IntegerField(
        label=_("Bagian kelompok akhir (%)"), min_value=10, max_value=90, initial=50
    )
    late_from = forms.DateField(
        label=_("Prioritas kelompok akhir mulai"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    people = forms.IntegerField(
        label=_("Orang yang direncanakan terjangkau di kelompok awal sebelum tanggal itu"),
        min_value=0,
        initial=15000,
    )
    seed = forms.IntegerField(
        label=_("Benih acak (kosongkan: dipilih acak dan dicatat)"),
        min_value=0,
        max_value=2**62,
        required=False,
    )

    def __init__(self, *args: object, voting_day: datetime.date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["late_from"].initial = voting_day - datetime.timedelta(days=28)
