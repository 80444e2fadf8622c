"""What this app declares: the retention kinds the scheduled purge handles, the personal
data of the requests themselves, and the message that carries the one-time code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mitra.core.personal_data import DataKind, RetentionKind, declare

from .models import RETENTION_DEFAULTS

declare(
    RetentionKind(
        "attendee_contacts",
        _("Nama dan kontak peserta"),
        RETENTION_DEFAULTS["attendee_contacts"],
        _("Nama, email, dan telepon pendaftar serta nama pada daftar hadir dikosongkan"),
    ),
    RetentionKind(
        "device_hashes",
        _("Hash perangkat"),
        RETENTION_DEFAULTS["device_hashes"],
        _("Hash perangkat daftar hadir dikosongkan; jawaban tinggal sebagai hitungan anonim"),
    ),
    RetentionKind(
        "refused_scans",
        _("Pindaian ditolak"),
        RETENTION_DEFAULTS["refused_scans"],
        _("Awal kode tiket, hash perangkat, dan tautan ke pendaftaran dikosongkan"),
    ),
    RetentionKind(
        "delivery_logs",
        _("Catatan pengiriman pesan"),
        RETENTION_DEFAULTS["delivery_logs"],
        _("Alamat penerima, judul, dan isi pesan dikosongkan; statusnya tetap dihitung"),
    ),
    RetentionKind(
        "photos",
        _("Foto kegiatan"),
        RETENTION_DEFAULTS["photos"],
        _("Foto (berkas dan catatannya) dihapus"),
    ),
    RetentionKind(
        "import_files",
        _("Isi berkas impor"),
        RETENTION_DEFAULTS["import_files"],
        _("Baris mentah dan pratinjau impor mitra dikosongkan"),
    ),
    DataKind(
        code="privacy_requests",
        label=_("Permintaan subjek data"),
        fields=(
            "privacy.DataRequest.address",
            "privacy.DataRequest.details",
            "privacy.RequestEvent.note",
        ),
        subjects=_("Orang yang mengajukan permintaan atas datanya"),
        purpose=_("Mengonfirmasi identitas dan menjawab permintaan dalam batas waktu"),
        basis="legal_obligation",
        retention="",
        recipients=_("Admin dan staf KPU yang menangani permintaan"),
    ),
)


def register_message_kind() -> None:
    """The one-time code travels through the messaging (delivery log, email, WhatsApp)."""
    from mitra.notifications.kinds import KINDS, Kind

    KINDS["privacy_code"] = Kind(
        "privacy_code",
        _("Kode konfirmasi permintaan data"),
        _("Orang yang meminta datanya"),
        _("Kode konfirmasi {office}: {code}"),
        _(
            "Kode konfirmasi permintaan data pribadi Anda: {code}\nBerlaku {minutes} menit. "
            "Abaikan pesan ini bila Anda tidak memintanya."
        ),
        ("office", "code", "minutes"),
    )
