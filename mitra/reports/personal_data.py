"""The personal data of reports: the people named on an activity's certificates (see
`mitra.core.personal_data`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mitra.core.personal_data import DataKind, declare

declare(
    DataKind(
        code="certificate_recipients",
        label=_("Penerima piagam kegiatan"),
        fields=("reports.Certificate.recipient_name", "reports.Certificate.recipient_role"),
        subjects=_("Narasumber, fasilitator, moderator dan relawan kegiatan"),
        purpose=_(
            "Menerbitkan piagam penghargaan dan memastikan keasliannya melalui halaman verifikasi"
        ),
        basis="public_task",
        retention="",
        recipients=_(
            "Staf dan pemantau KPU, koordinator mitra penyelenggara; siapa pun yang memegang "
            "tautan verifikasi piagam melihat nama, peran dan kegiatannya"
        ),
        kept=_(
            "Hanya nama dan peran, selama piagam berlaku (agar keasliannya dapat diperiksa); "
            "nama dihapus saat piagam dicabut"
        ),
    ),
)
