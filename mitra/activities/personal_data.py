"""The personal data of activities: photos of people taken at them (see
`mitra.core.personal_data`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mitra.core.personal_data import DataKind, declare

declare(
    DataKind(
        code="activity_photos",
        label=_("Foto kegiatan"),
        fields=("activities.Evidence.file",),
        subjects=_("Orang yang tampak pada foto kegiatan, termasuk anak"),
        purpose=_("Bukti pelaksanaan kegiatan untuk verifikasi laporan"),
        basis="public_task",
        retention="photos",
        recipients=_(
            "Staf KPU dan koordinator mitra penyelenggara; foto anak tanpa persetujuan wali "
            "tidak diterbitkan"
        ),
    ),
)
