"""Names typed in Indonesian with an optional English version, shown by the active language."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def english_active() -> bool:
    return (get_language() or "").startswith("en")


class EnglishNamed:
    """Mixin for a model with `name` and an optional `name_en` field: `display_name` is
    the English name when English is chosen and one was given, else the Indonesian one."""

    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        return (self.name_en if english_active() else "") or self.name


def english_name_field(max_length: int) -> models.CharField[Any, Any]:
    """The optional English version of a name (shown when English is chosen)."""
    return models.CharField(_("nama (bahasa Inggris)"), max_length=max_length, blank=True)
