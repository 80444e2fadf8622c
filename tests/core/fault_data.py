"""Records the fault tests need on top of the demo, written into the test's own database by
`manage.py shell -c "from tests.core.fault_data import build; build()"` (prints JSON)."""

from __future__ import annotations

import json

from mitra.accounts.models import Membership
from mitra.elections.models import Programme
from mitra.partners.imports import partner_import_preview
from mitra.portal.models import Article
from tests.checkin.factories import ActivityFactory, CheckinPointFactory

STAFF_EMAIL = "staf@demo.mitra.id"


def build() -> None:
    staff = Membership.objects.select_related("office").get(user__email=STAFF_EMAIL)
    programme = Programme.objects.filter(office=staff.office).first()
    # An activity starting in ten minutes: its poster's self check-in is open.
    self_point = CheckinPointFactory(activity=ActivityFactory(programme=programme))
    reg_point = CheckinPointFactory(
        activity=ActivityFactory(programme=programme), requires_registration=True, capacity=1000
    )
    rows = [{"kode": f"UJI-{n:04d}", "nama": f"Komunitas Uji Gangguan {n}"} for n in range(5)]
    batch = partner_import_preview(membership=staff, rows=rows, filename="gangguan.csv")
    article = Article.objects.visible().filter(office=staff.office).order_by("pk").first()
    assert article is not None
    print(
        json.dumps(
            {
                "self_token": self_point.token,
                "reg_token": reg_point.token,
                "reg_activity": reg_point.activity_id,
                "batch": batch.pk,
                "batch_new": batch.counts["new"],
                "article_id": article.pk,
                "article_slug": article.slug,
            }
        )
    )
