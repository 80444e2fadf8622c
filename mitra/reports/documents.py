"""PDF documents drawn by WeasyPrint from HTML templates: the programme report, the partner
scorecard and the certificate. Charts and the map are the dashboard's SVG (vector in the
PDF); photos and the signature are embedded as data URIs, and nothing else is fetched
(the URL fetcher allows only `data:`, so a document can never reach the network or disk)."""

from __future__ import annotations

import base64
import mimetypes
from typing import Any

import segno
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from mitra.analytics.dashboard_charts import dashboard_chart, dashboard_map
from mitra.core.links import absolute_url

from .models import Certificate, Letterhead
from .selectors import ProgrammeReport, Scorecard

CHARTS = ("approach", "method", "theme", "segment", "partner", "status", "trend")


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template, context)
    fetcher = URLFetcher(allowed_protocols=["data"], fail_on_errors=False)
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())


def data_uri(name: str) -> str:
    """A stored file as a data URI ("" when it is gone)."""
    if not name or not default_storage.exists(name):
        return ""
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    kind = mimetypes.guess_type(name)[0] or "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def programme_pdf(report: ProgrammeReport) -> bytes:
    d = report.dashboard
    return _pdf(
        "reports/pdf/programme.html",
        {
            "r": report,
            "d": d,
            "charts": {name: dashboard_chart(d, name, "") for name in CHARTS},
            "map_svg": dashboard_map(d, ""),
            "photos": [(p, data_uri(p.evidence.file.name or "")) for p in report.photos],
        },
    )


def scorecard_pdf(card: Scorecard) -> bytes:
    return _pdf("reports/pdf/scorecard.html", {"s": card})


def qr_svg(text: str) -> SafeString:
    """A QR code as inline SVG (vector, sharp at any print size), with segno as the
    check-in posters draw theirs."""
    svg = segno.make(text, error="q").svg_inline(scale=4, border=2)
    return mark_safe(svg)  # noqa: S308 — segno's own markup, the text is encoded in modules


def verification_url(certificate: Certificate) -> str:
    from .services import certificate_signed_id

    path = reverse("reports:verify", args=[certificate_signed_id(certificate)])
    return absolute_url(path)  # printed on paper: always SITE_URL


def certificate_pdf(certificate: Certificate, *, letterhead: Letterhead | None) -> bytes:
    url = verification_url(certificate)
    return _pdf(
        "reports/pdf/certificate.html",
        {
            "c": certificate,
            "letterhead": letterhead,
            "signature": data_uri(letterhead.signature.name or "") if letterhead else "",
            "logo": data_uri(certificate.office.logo.name or "") if certificate.office.logo else "",
            "qr": qr_svg(url),
            "url": url,
            "title": _("Piagam Penghargaan"),
        },
    )
