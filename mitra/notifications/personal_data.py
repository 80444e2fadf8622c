"""The personal data messaging holds and the consent of the voting-day reminder (see
`mitra.core.personal_data`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mitra.core.personal_data import ConsentPurpose, DataKind, declare

VOTING_DAY = ConsentPurpose(
    code="voting_day",
    version="2026-12-1",
    label=_("Pengingat hari pemungutan suara"),
    text=_(
        "Saya setuju alamat ini disimpan untuk menerima pengingat hari pemungutan suara, "
        "lalu dihapus setelah hari pemungutan suara lewat."
    ),
)

declare(
    VOTING_DAY,
    DataKind(
        code="delivery_log",
        label=_("Catatan pengiriman pesan"),
        fields=(
            "notifications.Delivery.recipient",
            "notifications.Delivery.subject",
            "notifications.Delivery.body",
        ),
        subjects=_("Pendaftar, koordinator mitra, staf, pemilih yang minta diingatkan"),
        purpose=_("Membuktikan dan menjelaskan pengiriman pesan, mengirim ulang yang gagal"),
        basis="legitimate_interest",
        retention="delivery_logs",
        recipients=_("Admin dan staf KPU; penyedia email dan WhatsApp (Meta) saat mengirim"),
    ),
    DataKind(
        code="voting_day_signups",
        label=_("Alamat pengingat hari pemungutan suara"),
        fields=("notifications.VotingDaySignup.address",),
        subjects=_("Pemilih yang minta diingatkan"),
        purpose=_("Mengirim satu pengingat pada hari pemungutan suara"),
        basis="consent",
        consent="voting_day",
        retention="",
        kept=_(
            "Dihapus setelah hari pemungutan suara ditambah masa simpan data pribadi kantor "
            "(bawaan 90 hari)"
        ),
        recipients=_("Penyedia email dan WhatsApp (Meta) saat mengirim"),
    ),
)
