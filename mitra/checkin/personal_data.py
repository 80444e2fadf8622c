"""The personal data attendance holds and the consents its forms ask for (see
`mitra.core.personal_data`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mitra.core.personal_data import ConsentPurpose, DataKind, declare

REGISTRATION = ConsentPurpose(
    code="registration",
    version="2026-12-1",
    label=_("Nama dan kontak pendaftar"),
    text=_(
        "Saya setuju nama dan kontak ini disimpan oleh KPU hanya untuk kegiatan ini: untuk "
        "mengirim tiket, kabar perubahan, dan pengingat kegiatan. Data tidak ditampilkan "
        "kepada publik, dihapus setelah masa simpan data, dan persetujuan dapat ditarik "
        "kapan saja."
    ),
)
CHECKIN_NAME = ConsentPurpose(
    code="checkin_name",
    version="2026-12-1",
    label=_("Nama pada daftar hadir"),
    text=_(
        "Saya setuju nama saya disimpan bersama jawaban daftar hadir untuk kegiatan ini. "
        "Nama tidak ditampilkan kepada publik dan dihapus setelah masa simpan data."
    ),
)
CHECKIN_SENSITIVE = ConsentPurpose(
    code="checkin_sensitive",
    version="2026-12-1",
    label=_("Usia dan disabilitas (data khusus)"),
    text=_(
        "Saya setuju kelompok usia dan keterangan disabilitas saya disimpan terpisah dan "
        "hanya dipakai sebagai jumlah gabungan, tidak pernah ditampilkan per orang."
    ),
    removes_contact=False,
    sensitive=True,
)

declare(
    REGISTRATION,
    CHECKIN_NAME,
    CHECKIN_SENSITIVE,
    DataKind(
        code="attendee_contacts",
        label=_("Nama dan kontak peserta"),
        fields=(
            "checkin.Registration.name",
            "checkin.Registration.email",
            "checkin.Registration.phone",
            "checkin.CheckIn.name",
        ),
        subjects=_("Warga yang mendaftar atau mengisi daftar hadir kegiatan"),
        purpose=_("Mengirim tiket dan pengingat, mencegah pendaftaran ganda"),
        basis="consent",
        consent="registration",
        retention="attendee_contacts",
        recipients=_(
            "Admin dan staf KPU yang berhak melihat data pribadi; mitra tidak melihat nama "
            "atau kontak"
        ),
    ),
    DataKind(
        code="attendance_answers",
        label=_("Jawaban daftar hadir"),
        fields=(
            "checkin.CheckIn.gender",
            "checkin.CheckIn.kelurahan",
            "checkin.CheckIn.first_time_voter",
            "checkin.CheckIn.pledge",
        ),
        subjects=_("Peserta kegiatan"),
        purpose=_("Menghitung jangkauan kegiatan per kelompok dan wilayah"),
        basis="public_task",
        retention="device_hashes",
        recipients=_("Staf KPU; mitra dan publik hanya melihat jumlah gabungan"),
    ),
    DataKind(
        code="sensitive_answers",
        label=_("Kelompok usia dan disabilitas"),
        fields=("checkin.CheckIn.age_band", "checkin.CheckIn.disability"),
        subjects=_("Peserta kegiatan, termasuk anak di bawah 17 tahun"),
        purpose=_("Mengukur jangkauan kepada pemilih pemula dan penyandang disabilitas"),
        basis="consent",
        consent="checkin_sensitive",
        retention="device_hashes",
        recipients=_(
            "Hanya sebagai jumlah gabungan; isian per orang hanya untuk pemegang hak data khusus"
        ),
        sensitive=True,
    ),
    DataKind(
        code="device_hashes",
        label=_("Sidik perangkat (hash) daftar hadir"),
        fields=("checkin.CheckIn.device_hash", "checkin.RefusedScan.device_hash"),
        subjects=_("Peserta kegiatan"),
        purpose=_("Satu daftar hadir per perangkat per kegiatan"),
        basis="legitimate_interest",
        retention="device_hashes",
        recipients=_("Tidak ada (hanya dipakai oleh sistem)"),
    ),
    DataKind(
        code="refused_scans",
        label=_("Pindaian tiket yang ditolak"),
        fields=("checkin.RefusedScan.secret_prefix", "checkin.RefusedScan.registration"),
        subjects=_("Pemegang tiket"),
        purpose=_("Menjelaskan penolakan di pintu masuk dan mencegah penyalahgunaan tiket"),
        basis="legitimate_interest",
        retention="refused_scans",
        recipients=_("Staf KPU dan koordinator mitra penyelenggara"),
    ),
)
