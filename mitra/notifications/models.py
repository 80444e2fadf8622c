"""The delivery log, staff-edited message templates, opt-outs, quiet hours and the
voting-day reminder sign-ups."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.accounts import member_cache
from mitra.offices.models import Office, OfficeScoped


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")
    INBOX = "inbox", _("Kotak masuk")


class Status(models.TextChoices):
    QUEUED = "queued", _("Antre")
    SENDING = "sending", _("Sedang dikirim")
    SENT = "sent", _("Terkirim")
    DELIVERED = "delivered", _("Diterima")
    FAILED = "failed", _("Gagal")
    SKIPPED = "skipped", _("Dilewati")


FINAL_STATUSES = (Status.SENT, Status.DELIVERED, Status.FAILED, Status.SKIPPED)


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    """Bulk writes tell the member cache whose inbox changed (`accounts.member_cache`
    keeps the header's unread count with the signed-in person); single saves and deletes
    do it through signals (`receivers`)."""

    def update(self, **kwargs: Any) -> int:
        user_ids = self._user_ids()
        count = super().update(**kwargs)
        member_cache.forget(user_ids=user_ids)
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        user_ids = self._user_ids()
        deleted = super().delete()
        member_cache.forget(user_ids=user_ids)
        return deleted

    def bulk_create(  # type: ignore[override]
        self, objs: Iterable[Delivery], *args: Any, **kwargs: Any
    ) -> list[Delivery]:
        rows = list(objs)
        created = cast(list[Delivery], super().bulk_create(rows, *args, **kwargs))  # type: ignore[arg-type]
        member_cache.forget(user_ids=[row.user_id for row in rows])
        return created

    def _user_ids(self) -> list[int]:
        if member_cache.seconds() <= 0:
            return []
        found = self.order_by().exclude(user_id=None).values_list("user_id", flat=True)
        return list(found.distinct())

    def due(self, now: datetime.datetime) -> DeliveryQuerySet:
        """Queued and free to go (quiet hours and back-off over)."""
        return self.filter(status=Status.QUEUED).filter(
            models.Q(not_before__isnull=True) | models.Q(not_before__lte=now)
        )


class Delivery(OfficeScoped):
    """One message to one recipient over one channel, and what became of it.

    `key` makes queuing idempotent: the same event queued twice is one row, and a row is
    sent only by the worker that claimed it (queued → sending), so a retried or doubled
    task sends nothing twice.
    """

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("jenis"), max_length=40)
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("penerima"), max_length=254, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    language = models.CharField(max_length=8, default="id")
    subject = models.CharField(_("judul"), max_length=250, blank=True)
    body = models.TextField(_("isi"))
    link = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.CharField(_("alasan"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    provider_id = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    not_before = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("diterima"), null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pengiriman pesan")
        verbose_name_plural = _("pengiriman pesan")
        indexes = [
            models.Index(fields=["office", "-created_at"]),
            models.Index(fields=["office", "status"]),
            models.Index(fields=["status", "not_before"]),
            models.Index(fields=["provider_id"]),
            models.Index(fields=["user", "channel", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.channel} · {self.status}"


class MessageTemplate(OfficeScoped):
    """A staff-edited text for one kind of message in one language (else the default)."""

    kind = models.CharField(_("jenis"), max_length=40)
    language = models.CharField(_("bahasa"), max_length=8)
    subject = models.CharField(_("judul"), max_length=250)
    body = models.TextField(_("isi"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("templat pesan")
        verbose_name_plural = _("templat pesan")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind", "language"], name="one_template_per_kind_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"


class OptOut(OfficeScoped):
    """An address that asked for no more messages on a channel (kept as a hash only)."""

    channel = models.CharField(max_length=10, choices=Channel.choices)
    address_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "channel", "address_hash"], name="one_optout_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address_hash[:8]}…"


class OfficeMessaging(models.Model):
    """An office's sending rules: no WhatsApp between the start and end of quiet hours."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="messaging")
    quiet_start = models.TimeField(_("jam tenang mulai"), default=datetime.time(21, 0))
    quiet_end = models.TimeField(_("jam tenang selesai"), default=datetime.time(7, 0))

    class Meta:
        verbose_name = _("aturan pengiriman")
        verbose_name_plural = _("aturan pengiriman")

    def __str__(self) -> str:
        return f"{self.office} {self.quiet_start:%H:%M}–{self.quiet_end:%H:%M}"


class VotingDaySignup(OfficeScoped):
    """A person who asked to be reminded on voting day ("Ayo ke TPS")."""

    programme = models.ForeignKey(
        "elections.Programme", on_delete=models.CASCADE, related_name="voting_day_signups"
    )
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("alamat"), max_length=254)
    language = models.CharField(max_length=8, default="id")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "channel", "address"], name="one_signup_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} · {self.channel}"


class RegistrantLanguage(models.Model):
    """The language a registrant used when registering, for the messages that follow."""

    registration = models.OneToOneField(
        "checkin.Registration", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    language = models.CharField(max_length=8, default="id")

    def __str__(self) -> str:
        return self.language
