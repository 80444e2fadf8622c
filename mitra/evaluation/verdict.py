"""The estimate in words: what the comparison can and cannot say, never more.

"cannot be distinguished from zero" is never written as "no effect"; a placebo that finds
something makes the page claim nothing; even an interval clear of zero is an association
in observational data, not proof that the outreach caused it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from mitra.core.numbers import format_number

from .estimate import Coefficient, Estimate


def signed(value: float, digits: int = 2) -> str:
    """+0,40 / −0,30 (a real minus sign), in the language's number format."""
    text = format_number(round(abs(value), digits), digits)
    return ("+" if value >= 0 else "−") + text


def interval(c: Coefficient, digits: int = 2) -> str:
    return _("%(est)s (%(low)s s.d. %(high)s)") % {
        "est": signed(c.estimate, digits),
        "low": signed(c.low, digits),
        "high": signed(c.high, digits),
    }


def verdict_text(estimate: Estimate | None, *, has_results: bool) -> str:
    if not has_results:
        return _("Hasil resmi pemilihan ini belum diimpor: belum ada yang dapat dinilai.")
    if estimate is None:
        return _(
            "Data belum cukup untuk perkiraan: perlu hasil pembanding per kelurahan, "
            "paparan kegiatan yang berbeda-beda, dan cukup banyak kelurahan dan kecamatan."
        )
    said = interval(estimate.adjusted)
    if estimate.verdict == "confounded":
        return _(
            "Uji plasebo menemukan 'pengaruh' pada selisih dua pemilihan sebelum program "
            "(%(placebo)s poin per 1 %% pemilih terjangkau): perbandingan ini dirancukan oleh "
            "hal lain, sehingga tidak ada pengaruh program yang diklaim."
        ) % {"placebo": interval(estimate.placebo) if estimate.placebo else "—"}
    if estimate.verdict == "indistinguishable":
        return _(
            "Diperkirakan %(said)s poin partisipasi per 1 %% pemilih terjangkau: "
            "belum dapat dibedakan dari nol. Ini tidak berarti program tidak berpengaruh; "
            "data ini hanya dapat mendeteksi pengaruh sebesar %(mde)s poin atau lebih."
        ) % {"said": said, "mde": format_number(round(estimate.mde, 2), 2)}
    return _(
        "Diperkirakan %(said)s poin partisipasi per 1 %% pemilih terjangkau: berbeda dari "
        "nol. Ini keterkaitan dalam data pengamatan, bukan bukti sebab-akibat."
    ) % {"said": said}
