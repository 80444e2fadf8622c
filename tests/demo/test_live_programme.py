"""The demo's live (simulated) programme: laid out around the day the demo is built, alive
in every part of the product that looks ahead, and the same for the same day."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mitra.accounts.models import Membership
from mitra.activities.models import Activity, ActivityStatus, Report, Transition
from mitra.activities.selectors import overdue_activities
from mitra.analytics import selectors as analytics
from mitra.checkin.models import CheckIn, CheckinPoint, Registration
from mitra.demo.builder import demo_build
from mitra.demo.context import DEMO_OFFICE_SLUG, DemoContext
from mitra.elections.demo import LIVE_SLUG
from mitra.elections.models import Programme
from mitra.elections.selectors import current_programme, programme_countdown
from mitra.evaluation.selectors import evaluated_programme
from mitra.notifications.timeline import timeline_upcoming
from mitra.offices.models import Office
from mitra.portal.demo import SEED_ARTICLE_SLUG
from mitra.portal.models import Article, MaterialVersion
from tests.demo.figures import MORNING, TODAY, WIB

pytestmark = pytest.mark.django_db


def test_the_live_programme_is_alive_today_and_moves_on_rebuild(client, settings, media):
    settings.MITRA_PUBLIC_OFFICE = DEMO_OFFICE_SLUG
    with time_machine.travel(MORNING, tick=False):
        demo_build(DemoContext())
        office = Office.objects.get(slug=DEMO_OFFICE_SLUG)
        live = current_programme(office=office)
        assert live is not None and live.slug == LIVE_SLUG and "Simulasi" in live.name
        assert programme_countdown(programme=live).days == 42
        archive = Programme.objects.get(office=office, slug="pilkada-2024")
        assert not archive.is_current
        # The turnout evaluation stays on the finished programme that has results.
        assert evaluated_programme(office=office) == archive

        activities = Activity.objects.filter(programme=live)
        assert set(activities.values_list("status", flat=True)) == set(ActivityStatus.values)
        days = {timezone.localdate(a.starts_at) for a in activities}
        assert min(days) < TODAY < max(days) < live.voting_day
        start_of_day = datetime.datetime.combine(TODAY, datetime.time(0), tzinfo=WIB)
        # Nothing in the simulation happened after today began.
        assert not Transition.objects.filter(activity__programme=live, at__gt=start_of_day)
        assert not Report.objects.filter(activity__programme=live, submitted_at__gt=start_of_day)
        assert not CheckIn.objects.filter(activity__programme=live, scanned_at__gt=start_of_day)
        # Check-in opens today and tomorrow; registrations are open for them.
        for day in (TODAY, TODAY + datetime.timedelta(days=1)):
            points = CheckinPoint.objects.filter(
                activity__programme=live,
                activity__status=ActivityStatus.APPROVED,
                activity__starts_at__date=day,
            ).select_related("activity")
            assert points.count() >= 3
            assert all(p.activity.is_public for p in points)
            assert Registration.objects.filter(activity__in=[p.activity for p in points]).exists()
        noon = datetime.datetime.combine(TODAY, datetime.time(14, 30), tzinfo=WIB)
        assert any(p.is_open(noon) for p in CheckinPoint.objects.filter(activity__programme=live))
        # Reports are overdue; reminders and the next stage are on the timeline.
        assert overdue_activities(today=TODAY).filter(programme=live).exists()
        upcoming = timeline_upcoming(office=office, today=TODAY)
        assert {u.day for u in upcoming} >= {TODAY, TODAY + datetime.timedelta(days=1)}
        assert any(u.label.startswith("Debat publik pertama") for u in upcoming)

        staff = Membership.objects.get(user__email="staf@demo.mitra.id")
        gaps = analytics.office_gaps(membership=staff)
        assert gaps and all(g.days_left == 42 and g.partners for g in gaps[:5])
        board = analytics.dashboard(membership=staff)
        paced = [row for row in board.targets if row.pace is not None]
        assert paced and all(row.pace.days_left == 42 for row in paced)

        home = client.get("/").content.decode()
        assert "42" in home and live.name in home
        assert "Arsip program" in home and archive.name in home
        # The demo office is branded: a WhatsApp preview of the home page shows its picture.
        assert '<meta property="og:image" content="http' in home
        assert "Spanduk merah KPU Kota Bandung" in home
        past = client.get(reverse("portal:timeline"), {"program": archive.slug})
        assert past.status_code == 200 and "27 November 2024" in past.content.decode()
        assert client.get(reverse("portal:timeline"), {"program": "tidak-ada"}).status_code == 404
        current_materials = client.get(reverse("portal:materials")).content.decode()
        assert "Simulasi: Panduan memilih di TPS" in current_materials
        old = client.get(reverse("portal:materials"), {"program": archive.slug}).content.decode()
        assert "Panduan memilih di TPS" in old and "Simulasi:" not in old

        _the_news_item_and_the_materials_are_real()

    later = MORNING + datetime.timedelta(days=10)
    with time_machine.travel(later, tick=False):
        demo_build(DemoContext(), rebuild=True)
        moved = Programme.objects.get(office__slug=DEMO_OFFICE_SLUG, slug=LIVE_SLUG)
        assert moved.voting_day == TODAY + datetime.timedelta(days=52)
        assert programme_countdown(programme=moved).days == 42
        assert Activity.objects.filter(
            programme=moved, starts_at__date=later.date(), status=ActivityStatus.APPROVED
        ).exists()


def _the_news_item_and_the_materials_are_real() -> None:
    """The office's own news item of 17 October 2024; the guide and theme sheets are real
    PDFs with their text (checked inside the test above: one demo build serves both)."""
    item = Article.objects.get(slug=SEED_ARTICLE_SLUG)
    assert timezone.localdate(item.published_at) == datetime.date(2024, 10, 17)
    for fact in ("83 komunitas", "Pilgub Jabar", "Pilwalkot", "27 November 2024"):
        assert fact in item.body
    for approach in ("diskusi komunitas", "seni dan budaya", "edukasi", "media sosial"):
        assert approach in item.body

    pdfs = MaterialVersion.objects.filter(original_name__endswith=".pdf").select_related(
        "material__theme__programme"
    )
    # The guide and one sheet per theme, for each of the two programmes.
    assert pdfs.count() == 8
    for version in pdfs:
        data = version.file.read()
        assert data.startswith(b"%PDF") and len(data) > 2_000
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        programme = version.material.theme.programme
        assert programme.name in text
        if "Panduan" in version.material.title:
            assert len(PdfReader(io.BytesIO(data)).pages) >= 2
            for words in ("KTP-el", "bilik suara", "Celupkan jari", "Braille"):
                assert words in text
        elif version.material.theme.code == "tahapan":
            assert "Jadwal tahapan" in text and "Pemungutan suara" in text
        else:
            assert "Poin bicara untuk mitra" in text
