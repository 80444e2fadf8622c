"""On the demo programme, every place that counts per approach gives the same figures:
the dashboard, its export and API, the public summary page and its API."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mitra.accounts.models import Membership, Role
from mitra.activities import selectors as activity_selectors
from mitra.activities.models import Activity
from mitra.analytics import selectors
from mitra.analytics.models import Target
from mitra.demo.builder import demo_build
from mitra.demo.context import DEMO_OFFICE_SLUG, DemoContext
from mitra.elections.selectors import current_programme
from mitra.offices.models import Office
from mitra.partners.models import PartnerCategory
from mitra.portal.demo import SEED_ARTICLE_SLUG
from mitra.portal.models import Article
from tests.conftest import login

pytestmark = pytest.mark.django_db

FOUR = ["diskusi-komunitas", "seni-budaya", "edukasi", "media-sosial"]


@pytest.fixture
def demo(settings):
    settings.MITRA_PUBLIC_OFFICE = DEMO_OFFICE_SLUG
    demo_build(DemoContext())
    office = Office.objects.get(slug=DEMO_OFFICE_SLUG)
    staff = Membership.objects.filter(office=office, role=Role.STAFF).select_related("office")
    return office, current_programme(office=office), staff.first()


def test_dashboard_summary_export_and_api_agree_on_counts_per_approach_also_filtered(client, demo):
    office, programme, staff = demo
    # The reference: one aggregate query over the verified activities.
    reference = {
        r["code"]: (r["activities"], r["attendance"])
        for r in activity_selectors.reach_by_approach(office=office, programme=programme)
    }
    assert list(reference)[:4] == FOUR
    assert all(reference[code][0] > 0 for code in FOUR)  # the demo uses every approach
    labels = {
        r["label"]: r["code"]
        for r in activity_selectors.reach_by_approach(office=office, programme=programme)
    }

    board = selectors.dashboard(membership=staff)
    assert {r["code"]: (r["activities"], r["attendance_raw"]) for r in board.by_approach} == (
        reference
    )
    assert sum(n for n, _people in reference.values()) == board.totals["activities"]

    login(client, staff)
    api = client.get("/api/v1/analytics/dashboard").json()["by_approach"]
    assert {r["code"]: (r["activities"], r["attendance"]) for r in api} == reference

    export = client.get(reverse("analytics:export", args=["approach"]), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert {labels[label]: (n, people) for label, n, people in rows[1:]} == reference

    client.logout()
    summary_api = client.get("/api/v1/analytics/summary").json()["by_approach"]
    assert {r["code"]: (r["activities"], r["reach"]) for r in summary_api} == reference
    html = client.get(reverse("analytics:summary")).content.decode()
    shown = {
        code: (int(n.replace(".", "")), int(people.replace(".", "")))
        for code, n, people in re.findall(
            r'data-approach="([\w-]+)">.*?<td>([\d.]+)</td><td>([\d.]+)</td>', html
        )
    }
    assert shown == reference

    # Narrowed to one approach, the totals are that approach's row.
    approach_rows = activity_selectors.reach_by_approach(office=office, programme=programme)
    art = next(r for r in approach_rows if r["code"] == "seni-budaya")
    board = selectors.dashboard(
        membership=staff, filters=selectors.DashboardFilters(approach_id=art["id"])
    )
    assert board.totals["activities"] == art["activities"]
    assert board.totals["attendance_raw"] == art["attendance"]
    in_areas = activity_selectors.counted_activities(
        office=office,
        filters=activity_selectors.ActivityFilters(
            programme_id=programme.pk, approach_id=art["id"]
        ),
    ).filter(kelurahan__isnull=False)
    assert sum(a.activities for a in board.areas) == in_areas.count()

    login(client, staff)
    api = client.get("/api/v1/analytics/dashboard", {"approach": "seni-budaya"}).json()
    assert api["totals"]["activities"] == art["activities"]
    page = client.get(reverse("analytics:dashboard"), {"approach": art["id"]}).content.decode()
    assert f'<option value="{art["id"]}" selected>' in page
    assert re.search(r'data-kpi="activities"><span class="kpi-value">(\d+)<', page).group(1) == (
        str(art["activities"])
    )

    client.logout()
    summary = client.get("/api/v1/analytics/summary", {"approach": "seni-budaya"}).json()
    assert summary["activities"] == art["activities"]
    assert summary["reach"] == art["attendance"]
    assert client.get(reverse("analytics:summary"), {"pendekatan": "tidak-ada"}).status_code == 404
    assert client.get("/api/v1/analytics/summary", {"approach": "tidak-ada"}).status_code == 404


def test_the_demo_speaks_the_commissions_vocabulary(demo):
    office, programme, _staff = demo
    kinds = set(PartnerCategory.objects.filter(office=office).values_list("code", flat=True))
    assert {"pemuda", "seni", "budaya", "pendidikan", "keagamaan"} <= kinds
    per_approach = set(
        Target.objects.filter(programme=programme, approach__isnull=False).values_list(
            "approach__code", flat=True
        )
    )
    assert per_approach == set(FOUR)
    # Arts and culture groups hold performances; education groups hold educational ones.
    for kind, approach in (("seni", "seni-budaya"), ("pendidikan", "edukasi")):
        codes = set(
            Activity.objects.filter(programme=programme, partner__category__code=kind)
            .values_list("method__approach_links__approach__code", flat=True)
            .distinct()
        )
        assert approach in codes
    body = Article.objects.get(office=office, slug=SEED_ARTICLE_SLUG).body
    for name in ("diskusi komunitas", "pertunjukan seni dan budaya", "kegiatan edukasi"):
        assert name in body
