"""Input hygiene in one place: control characters, NUL bytes and the database's limits.

Text reaches the database and the exports from forms, the API and imports. A NUL byte
cannot be stored by PostgreSQL and other control characters (vertical tab, form feed,
escape …) break XLSX files and terminals, so:

- NUL bytes are refused with a message naming the field (a NUL is never typed by a person;
  it is a bug or a probe), in URLs by `BadInputMiddleware`, in forms by Django's CharField,
  in API bodies by `InputSchema`;
- the other control characters are removed (`strip_control_characters`) on input (forms
  through `CleanTextFormMixin`, the API through `InputSchema`, imports in `read_table`) and
  again when a value is written to a CSV or XLSX file (`mitra.core.exporters`).
  Tab, line feed and carriage return are kept: they are part of multi-line text.

API input schemas take their lengths and number ranges from the model (`db_field`), so the
OpenAPI schema states the database's limits and a value that does not fit is a 422 naming
the field instead of a database error.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ValidationInfo, field_validator

# C0 controls except tab (09), line feed (0a) and carriage return (0d), plus DEL (7f).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# The largest id a BigAutoField holds; ids in paths and bodies are bounded by it.
ID_MAX = 2**63 - 1


def strip_control_characters(value: str) -> str:
    """The text without C0 control characters (tab and line breaks are kept)."""
    return CONTROL_CHARACTERS.sub("", value)


# Links people click (partner sites, online activities, posts): the web only. `javascript:`,
# `data:` and `ftp:` addresses are refused wherever a link is stored.
_WEB_URL = URLValidator(schemes=["http", "https"])


def is_web_url(value: str) -> bool:
    """True for an http(s) address (the only kind of link the site stores)."""
    try:
        _WEB_URL(value)
    except ValidationError:
        return False
    return True


def nul_message() -> str:
    return _("Karakter NUL (\\x00) tidak diizinkan.")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(nul_message())
        return strip_control_characters(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


class InputSchema(Schema):
    """Base of every API input schema: NUL refused, other control characters removed."""

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value: Any, info: ValidationInfo) -> Any:
        return _clean(value)


def db_field(model: type[models.Model], name: str, default: Any = ..., **extra: Any) -> Any:
    """A schema Field with the model field's limits: max_length for text, range for integers.

    Integer ranges are PostgreSQL's (the production database), whatever database runs.
    """
    field = model._meta.get_field(name)
    limits: dict[str, Any] = {}
    max_length = getattr(field, "max_length", None)
    if max_length:
        limits["max_length"] = max_length
    internal = field.get_internal_type()
    if internal in BaseDatabaseOperations.integer_field_ranges:
        low, high = BaseDatabaseOperations.integer_field_ranges[internal]
        limits["ge"], limits["le"] = max(low, extra.pop("ge", low)), high
    return Field(default, **limits, **extra)


def patch_field(**extra: Any) -> Any:
    """A field a PATCH body may leave out but not send as null (type it without `None`)."""
    return Field(None, **extra)


def id_field(default: Any = ..., **extra: Any) -> Any:
    """A record id (path, body or query): a positive number a BigAutoField can hold."""
    return Field(default, ge=1, le=ID_MAX, **extra)


class CleanTextFormMixin(forms.BaseForm):
    """Removes control characters from every text value a form cleans.

    Django's CharField already refuses NUL bytes with a message on the field.
    """

    def _clean_fields(self) -> None:
        super()._clean_fields()  # type: ignore[misc]
        for name, value in list(self.cleaned_data.items()):
            if isinstance(value, str):
                self.cleaned_data[name] = strip_control_characters(value)


class PlainSelect(forms.Select):
    """A drop-down written out in Python, one string per option.

    Django's Select renders every option through a template of its own; with the long
    lists of the staff filters (a province office's hundreds of kecamatan and partners)
    that cost more than the rest of the page. Same markup, same escaping.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(v)}"{" selected" if str(v) in selected else ""}>'
            f"{escape(label)}</option>"
            for v, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308 — escaped above
