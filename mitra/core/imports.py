"""What every spreadsheet import shares: the batch record and the preview → confirm flow.

An import is read and checked into a batch first (the preview: nothing of the domain is
written), then confirmed once: the batch row is locked, a batch that is no longer a preview
is refused, the domain rows are written in the same transaction (all or nothing: when the
writer raises, nothing of it stays and the batch stays a preview), and the batch is marked
confirmed. Partners (`mitra.partners.imports`), voter counts and official results
(`mitra.analytics.services`) all go through `import_confirm`, so they behave the same.

The concrete batches add their office (`OfficeScoped`), their own options and their row
verdicts; core names no domain app.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import DomainError


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Pratinjau")
    CONFIRMED = "confirmed", _("Tersimpan")
    CANCELLED = "cancelled", _("Dibatalkan")


class ImportBase(models.Model):
    """A checked spreadsheet waiting for confirmation: who uploaded which file when, its
    rows as read, and where it is in its life (preview → confirmed, or dropped)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    rows = models.JSONField(default=list)  # the rows as read (or checked), until written
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_preview(self) -> bool:
        return self.status == ImportStatus.PREVIEW


B = TypeVar("B", bound=ImportBase)
T = TypeVar("T")


def import_confirm(
    *,
    batches: QuerySet[B],
    apply: Callable[[B, datetime.datetime], T],
    not_found: DomainError,
    already: DomainError,
    fields: Sequence[str] = (),
) -> T:
    """Confirm the one batch of `batches` (already narrowed to the caller's office and
    batch id): lock it, refuse it unless it is a preview, run `apply(batch, now)` to write
    its rows, and mark it confirmed (also saving `fields` that `apply` changed on it).

    One transaction: when `apply` raises, nothing it wrote stays and the batch is still a
    preview, so it can be fixed and confirmed again. A second confirmation (a double click,
    two tabs) waits for the first one's lock and then gets `already`.
    """
    with transaction.atomic():
        batch = batches.select_for_update().first()
        if batch is None:
            raise not_found
        if batch.status != ImportStatus.PREVIEW:
            raise already
        now = timezone.now()
        result = apply(batch, now)
        batch.status = ImportStatus.CONFIRMED
        batch.confirmed_at = now
        batch.save(update_fields=["status", "confirmed_at", *fields])
        return result


def import_cancel(*, batches: QuerySet[B]) -> None:
    """Drop a batch still in preview (a confirmed one is the record of what was written)."""
    batches.filter(status=ImportStatus.PREVIEW).delete()
