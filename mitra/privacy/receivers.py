"""Consents announced by the lower apps (`core.personal_data.consent_given`) become records
here, inside the transaction that stored what they cover."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from mitra.core.personal_data import consent_given

from . import services


@receiver(consent_given, dispatch_uid="privacy.consent_given")
def consent_announced(
    sender: Any, *, office_id: int, purpose: str, channel: str, subject: Any, **kwargs: Any
) -> None:
    services.consent_record(office_id=office_id, purpose=purpose, channel=channel, subject=subject)
