"""The scheduled purge: each kind of personal data is removed or blanked after the days its
office set for it (`PrivacySettings`, safe defaults in `RETENTION_DEFAULTS`), and the run
records what it removed. Idempotent: a second run the same day removes nothing more.

Rows that counts are made of (registrations, check-ins, deliveries) stay and lose only their
personal content, so no figure changes; photo rows and files go.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from mitra.activities.models import Evidence
from mitra.checkin import services as checkin
from mitra.notifications.models import Delivery
from mitra.offices.models import Office
from mitra.partners.models import ImportBatch

from .models import RETENTION_DEFAULTS, PrivacySettings, PurgeRun


def _delivery_logs(*, office_id: int, before: datetime.datetime) -> int:
    return (
        Delivery.objects.filter(office_id=office_id, created_at__lt=before)
        .exclude(recipient="", body="", subject="", link="")
        .update(recipient="", body="", subject="", link="")
    )


def _photos(*, office_id: int, before: datetime.datetime) -> int:
    old = Evidence.objects.filter(activity__office_id=office_id, activity__ends_at__lt=before)
    names = [name for name in old.values_list("file", flat=True) if name]
    count = old.delete()[0]
    transaction.on_commit(lambda: delete_files(names))
    return count


def delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _import_files(*, office_id: int, before: datetime.datetime) -> int:
    return (
        ImportBatch.objects.filter(office_id=office_id, created_at__lt=before)
        .exclude(rows=[], preview=[])
        .update(rows=[], preview=[])
    )


PURGES: dict[str, Callable[..., int]] = {
    "attendee_contacts": checkin.attendee_contacts_purge,
    "device_hashes": checkin.device_hashes_purge,
    "refused_scans": checkin.refused_scans_purge,
    "delivery_logs": _delivery_logs,
    "photos": _photos,
    "import_files": _import_files,
}
assert set(PURGES) == set(RETENTION_DEFAULTS)


def office_settings(office: Office) -> PrivacySettings:
    """The office's settings; an office that never set them gets the safe defaults, with
    its older single retention period for attendees' contacts."""
    found = PrivacySettings.objects.filter(office_id=office.pk).first()
    if found is not None:
        return found
    return PrivacySettings(office=office, attendee_contacts_days=office.data_retention_days)


def retention_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Purge every kind in every office; returns (and records) the count per kind, with the
    unconfirmed registrations that expired."""
    now = now or timezone.now()
    totals = dict.fromkeys(PURGES, 0)
    # Registrations never confirmed by their link expire (and lose their contact) first.
    totals["pending_expired"] = checkin.registrations_pending_expire(now=now)
    for office in Office.objects.all():
        rules = office_settings(office)
        for kind, purge in PURGES.items():
            before = now - datetime.timedelta(days=rules.days(kind))
            with transaction.atomic():
                totals[kind] += purge(office_id=office.pk, before=before)
    PurgeRun.objects.create(at=now, counts=totals)
    return totals
