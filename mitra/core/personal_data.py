"""What personal data the platform holds, why, and under which consent: declared by the app
that holds it.

Each app declares its own kinds of personal data and the consents it asks for (in its
`AppConfig.ready`, from a `personal_data.py` module), so the record of processing that
`mitra.privacy` shows is generated from the code and stays true when a field is added. A
lower app never imports `privacy`: it declares here and announces a consent through the
`consent_given` signal, which `privacy` hears and records.

Legal bases follow UU 27/2022 (Pelindungan Data Pribadi), Pasal 20 ayat (2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.dispatch import Signal
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # the lazy string type form fields accept (django-stubs only)
    from django_stubs_ext import StrPromise

# Pasal 20 ayat (2) UU PDP: the bases a controller may rely on.
BASES: dict[str, Promise] = {
    "consent": _("Persetujuan yang sah dan eksplisit (Pasal 20 ayat (2) huruf a UU PDP)"),
    "contract": _("Pemenuhan perjanjian (Pasal 20 ayat (2) huruf b UU PDP)"),
    "legal_obligation": _("Pemenuhan kewajiban hukum (Pasal 20 ayat (2) huruf c UU PDP)"),
    "public_task": _(
        "Pelaksanaan tugas untuk kepentingan umum dan kewenangan KPU (Pasal 20 ayat (2) "
        "huruf e UU PDP)"
    ),
    "legitimate_interest": _("Kepentingan yang sah (Pasal 20 ayat (2) huruf f UU PDP)"),
}

# Where a consent was given.
CHANNEL_FORM = "form"
CHANNEL_API = "api"
CHANNEL_SCANNER = "scanner"


@dataclass(frozen=True)
class ConsentPurpose:
    """One thing a person may agree to, with the exact text shown next to the box.

    Change `text` only together with `version`: every consent record names the version (and
    keeps the text) it was given under.
    """

    code: str
    version: str
    label: StrPromise
    text: StrPromise
    # Withdrawing it blanks the name and contact it covered (the purpose needs them).
    removes_contact: bool = True
    # A specific category (health data, children's data): asked for on its own.
    sensitive: bool = False


@dataclass(frozen=True)
class DataKind:
    """One kind of personal data: where it is kept, about whom, why, on which basis, for
    how long (a retention kind set per office) and who receives it."""

    code: str
    label: Promise
    fields: tuple[str, ...]
    subjects: Promise
    purpose: Promise
    basis: str
    retention: str
    recipients: Promise
    consent: str = ""
    sensitive: bool = False
    # How long it is kept when no retention kind applies (else the default wording).
    kept: StrPromise | None = None


@dataclass(frozen=True)
class RetentionKind:
    """A kind of record that the scheduled purge removes or blanks after the office's days."""

    code: str
    label: Promise
    default_days: int
    what: Promise


_purposes: dict[str, ConsentPurpose] = {}
_kinds: dict[str, DataKind] = {}
_retention: dict[str, RetentionKind] = {}


def declare(*items: ConsentPurpose | DataKind | RetentionKind) -> None:
    """Declare consents, data kinds and retention kinds (idempotent by code)."""
    for item in items:
        if isinstance(item, ConsentPurpose):
            _purposes[item.code] = item
        elif isinstance(item, DataKind):
            if item.basis not in BASES:
                raise ValueError(f"unknown legal basis {item.basis!r} for {item.code}")
            _kinds[item.code] = item
        else:
            _retention[item.code] = item


def consent_purpose(code: str) -> ConsentPurpose:
    return _purposes[code]


def consent_purposes() -> list[ConsentPurpose]:
    return list(_purposes.values())


def data_kinds() -> list[DataKind]:
    return list(_kinds.values())


def retention_kinds() -> list[RetentionKind]:
    return list(_retention.values())


# Sent (inside the writing transaction) when a person gives a consent. Arguments:
# office_id, purpose (a declared code), channel (form / api / scanner), subject (the record
# the consent covers: a registration, a check-in, a voting-day sign-up).
consent_given = Signal()
