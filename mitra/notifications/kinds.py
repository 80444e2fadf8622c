"""The kinds of message the platform sends, with their default texts.

A default text is Indonesian (the source language) and translated like every other string;
staff may replace it per office and language (`MessageTemplate`). Texts name their values
as `{placeholder}`; only a kind's own placeholders are allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: Promise
    audience: Promise
    subject: Promise
    body: Promise
    placeholders: tuple[str, ...]


_STAFF = _("Staf KPU")
_COORDINATORS = _("Koordinator mitra")
_REGISTRANTS = _("Pendaftar kegiatan yang setuju dihubungi")
_VOTERS = _("Pemilih yang minta diingatkan")

KINDS: dict[str, Kind] = {
    k.code: k
    for k in [
        Kind(
            "activity_submitted",
            _("Kegiatan diajukan"),
            _STAFF,
            _("Kegiatan baru menunggu persetujuan: {title}"),
            _("{partner} mengajukan kegiatan “{title}” ({date}). Tinjau di {url}"),
            ("title", "date", "partner", "url"),
        ),
        Kind(
            "activity_approved",
            _("Kegiatan disetujui"),
            _COORDINATORS,
            _("Kegiatan disetujui: {title}"),
            _("Kegiatan “{title}” ({date}) disetujui. {comment}\nRincian: {url}"),
            ("title", "date", "comment", "url"),
        ),
        Kind(
            "activity_returned",
            _("Kegiatan dikembalikan"),
            _COORDINATORS,
            _("Kegiatan dikembalikan: {title}"),
            _("Kegiatan “{title}” ({date}) dikembalikan untuk diperbaiki. Alasan: {reason}\n{url}"),
            ("title", "date", "reason", "url"),
        ),
        Kind(
            "activity_held_reminder",
            _("Pengingat menandai terlaksana"),
            _COORDINATORS,
            _("Sudah terlaksana? {title}"),
            _(
                "Kegiatan “{title}” ({date}) sudah lewat. Tandai terlaksana lalu kirim "
                "laporannya paling lambat {due}: {url}"
            ),
            ("title", "date", "due", "url"),
        ),
        Kind(
            "report_due",
            _("Laporan jatuh tempo"),
            _COORDINATORS,
            _("Laporan kegiatan jatuh tempo hari ini: {title}"),
            _("Laporan kegiatan “{title}” ({date}) jatuh tempo hari ini ({due}). Kirim di {url}"),
            ("title", "date", "due", "url"),
        ),
        Kind(
            "report_overdue",
            _("Laporan terlambat"),
            _COORDINATORS,
            _("Laporan kegiatan terlambat: {title}"),
            _("Laporan kegiatan “{title}” ({date}) sudah terlambat {days} hari. Kirim di {url}"),
            ("title", "date", "days", "url"),
        ),
        Kind(
            "report_returned",
            _("Laporan dikembalikan"),
            _COORDINATORS,
            _("Laporan dikembalikan: {title}"),
            _("Laporan kegiatan “{title}” dikembalikan. Alasan: {reason}\nPerbaiki di {url}"),
            ("title", "reason", "url"),
        ),
        Kind(
            "report_verified",
            _("Laporan diverifikasi"),
            _COORDINATORS,
            _("Laporan diverifikasi: {title}"),
            _("Terima kasih: laporan kegiatan “{title}” sudah diverifikasi dan dihitung. {url}"),
            ("title", "url"),
        ),
        Kind(
            "registration_confirm",
            _("Tautan konfirmasi pendaftaran"),
            _REGISTRANTS,
            _("Konfirmasi pendaftaran Anda: {title}"),
            _(
                "Anda mendaftar untuk “{title}”, {when}. Tempat Anda baru dipegang setelah "
                "Anda membuka tautan ini dalam {hours} jam:\n{confirm_url}\n"
                "Bila Anda tidak mendaftar, abaikan pesan ini."
            ),
            ("title", "when", "confirm_url", "hours"),
        ),
        Kind(
            "registration_confirmed",
            _("Pendaftaran terkonfirmasi (tiket)"),
            _REGISTRANTS,
            _("Tiket Anda: {title}"),
            _(
                "Pendaftaran Anda terkonfirmasi. Tunjukkan kode QR tiket di pintu masuk.\n"
                "{title}, {when}, {place}\nPeta: {map_url}\n"
                "Tiket (juga untuk membatalkan): {ticket_url}\n"
                "Ingin diingatkan di hari pemungutan suara? {signup_url}"
            ),
            ("title", "when", "place", "map_url", "ticket_url", "signup_url"),
        ),
        Kind(
            "registration_waiting",
            _("Daftar tunggu"),
            _REGISTRANTS,
            _("Daftar tunggu: {title}"),
            _(
                "Kegiatan “{title}” sudah penuh; Anda berada di daftar tunggu nomor {position}. "
                "Kami mengabari bila ada tempat. Tiket: {ticket_url}"
            ),
            ("title", "position", "ticket_url"),
        ),
        Kind(
            "registration_promoted",
            _("Naik dari daftar tunggu"),
            _REGISTRANTS,
            _("Anda mendapat tempat: {title}"),
            _(
                "Ada peserta yang membatalkan; pendaftaran Anda kini terkonfirmasi.\n"
                "{title}, {when}, {place}\nTiket: {ticket_url}"
            ),
            ("title", "when", "place", "ticket_url"),
        ),
        Kind(
            "event_day_before",
            _("Pengingat H-1 kegiatan"),
            _REGISTRANTS,
            _("Besok: {title}"),
            _(
                "Sampai jumpa besok di “{title}”, {when}, {place}.\n"
                "Peta: {map_url}\nTiket: {ticket_url}"
            ),
            ("title", "when", "place", "map_url", "ticket_url"),
        ),
        Kind(
            "event_day_of",
            _("Pengingat hari kegiatan"),
            _REGISTRANTS,
            _("Hari ini: {title}"),
            _("Hari ini “{title}”, {when}, {place}.\nPeta: {map_url}\nTiket: {ticket_url}"),
            ("title", "when", "place", "map_url", "ticket_url"),
        ),
        Kind(
            "event_thanks",
            _("Terima kasih setelah kegiatan"),
            _REGISTRANTS,
            _("Terima kasih telah hadir: {title}"),
            _(
                "Terima kasih telah mengikuti “{title}”. Materi sosialisasi dapat diunduh di "
                "{materials_url}. Ingin diingatkan di hari pemungutan suara? {signup_url}"
            ),
            ("title", "materials_url", "signup_url"),
        ),
        Kind(
            "voting_day",
            _("Pengingat hari pemungutan suara"),
            _VOTERS,
            _("Ayo ke TPS hari ini, {date}!"),
            _(
                "Ayo ke TPS! Hari ini, {date}, hari pemungutan suara. "
                "Cari TPS Anda di {check_url}. Cara memilih: {how_to_vote_url}. Salam, {office}"
            ),
            ("date", "check_url", "how_to_vote_url", "office"),
        ),
        Kind(
            "stage_start",
            _("Tahapan dimulai"),
            _STAFF,
            _("Tahapan dimulai: {stage}"),
            _("Tahapan “{stage}” ({election}) dimulai hari ini, {starts}, sampai {ends}. {url}"),
            ("stage", "election", "starts", "ends", "url"),
        ),
        Kind(
            "digest_partner",
            _("Ringkasan mingguan mitra"),
            _COORDINATORS,
            _("Ringkasan minggu ini untuk {partner}"),
            _(
                "Kegiatan Anda minggu ini:\n{activities}\n\nLaporan yang harus dikirim:\n"
                "{reports_due}\n\nTarget kerja sama yang belum tercapai:\n{deliverables}\n\n"
                "Wilayah Anda yang paling perlu dijangkau:\n{gaps}\n\n{url}"
            ),
            ("partner", "activities", "reports_due", "deliverables", "gaps", "url"),
        ),
        Kind(
            "digest_staff",
            _("Ringkasan mingguan staf"),
            _STAFF,
            _("Ringkasan mingguan {office}"),
            _(
                "Capaian terhadap target:\n{pace}\n\nLaporan terlambat: {overdue}\n\n"
                "Kesenjangan teratas:\n{gaps}\n\n{url}"
            ),
            ("office", "pace", "overdue", "gaps", "url"),
        ),
    ]
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def placeholders_unknown(text: str, kind: Kind) -> list[str]:
    return sorted({name for name in _PLACEHOLDER.findall(text) if name not in kind.placeholders})


def render(text: str, values: Mapping[str, object]) -> str:
    """Fill `{name}` from values (an unknown name stays as written; nothing else is evaluated)."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return _PLACEHOLDER.sub(fill, text).strip()
