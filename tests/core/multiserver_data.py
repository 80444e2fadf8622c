"""Records the several-servers check needs on top of the demo, written into its own database
by `manage.py shell -c "from tests.core.multiserver_data import build; build()"` (prints
JSON): tickets of a verified activity (its scans uploaded late by an offline scanner, so
they count on the dashboard at once) and an API token for the scanner."""

from __future__ import annotations

import datetime
import json

from mitra.accounts.models import Membership
from mitra.accounts.services import api_token_create
from mitra.activities.models import Activity
from mitra.elections.selectors import current_programme
from mitra.portal.models import Article
from tests.checkin.factories import CheckinPointFactory, RegistrationFactory

STAFF_EMAIL = "staf@demo.mitra.id"
TICKETS = 24


def build() -> None:
    staff = Membership.objects.select_related("office", "user").get(user__email=STAFF_EMAIL)
    office = staff.office
    programme = current_programme(office=office)
    assert programme is not None, "the demo has a running programme"
    activity = Activity.objects.filter(programme=programme).verified().order_by("pk").first()
    assert activity is not None, "the demo's running programme has verified activities"
    CheckinPointFactory(activity=activity, requires_registration=True)
    secrets = [RegistrationFactory(activity=activity).secret for _ in range(TICKETS)]
    article = Article.objects.visible().filter(office=office).order_by("pk").first()
    assert article is not None, "the demo has published articles"
    scanned_at = activity.starts_at + datetime.timedelta(minutes=5)
    print(
        json.dumps(
            {
                "programme": programme.pk,
                "activity": activity.pk,
                "scanned_at": scanned_at.isoformat(),
                "secrets": secrets,
                "token": api_token_create(user=staff.user, name="several servers"),
                "article_id": article.pk,
                "article_slug": article.slug,
                "staff_email": STAFF_EMAIL,
            }
        )
    )
