"""WhatsApp numbers: parsed as Indonesian by default, stored in E.164 (+6281…)."""

from __future__ import annotations

import re
from urllib.parse import quote

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_REGION = "ID"


def whatsapp_normalize(raw: str) -> str:
    """'0812-3456-7890', '62812…', '812…' or '+62 812…' → '+62812…'; '' stays ''.

    Raises ValidationError (Indonesian message) when the text is not a valid number.
    """
    text = (raw or "").strip()
    if not text:
        return ""
    text = re.sub(r"\.0$", "", text)  # numbers typed into Excel cells come back as floats
    if text.startswith("62") and not text.startswith("+"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Nomor WhatsApp tidak valid: %(value)s") % {"value": raw}, code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def whatsapp_link(number: str, text: str = "") -> str:
    """A click-to-chat link (https://wa.me/<digits>?text=…); without a number WhatsApp asks."""
    digits = re.sub(r"\D", "", number or "")
    base = f"https://wa.me/{digits}" if digits else "https://wa.me/"
    return f"{base}?text={quote(text)}" if text else base
