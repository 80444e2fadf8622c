import datetime

import pytest
from django.utils import timezone

from mitra.checkin import demo
from mitra.checkin.models import CheckIn, CheckinPoint, Registration
from mitra.demo.context import DemoContext
from tests.checkin.factories import ActivityFactory


@pytest.mark.django_db
def test_demo_gives_posters_checkins_and_tickets(office, programme):
    past = timezone.now() - datetime.timedelta(days=10)
    activities = [
        ActivityFactory(
            programme=programme,
            starts_at=past + datetime.timedelta(days=i),
            ends_at=past + datetime.timedelta(days=i, hours=2),
            expected_attendance=50,
        )
        for i in range(4)
    ]
    activities.append(ActivityFactory(programme=programme, status="draft"))
    demo.build(DemoContext(objects={"office": office, "activities": activities}))
    assert CheckinPoint.objects.count() == 4
    # 24 per registering activity, plus two on the first that wait for their confirmation
    # link (it asks for one) and hold no seat.
    assert Registration.objects.count() == 3 * 24 + 2
    pending = Registration.objects.filter(status="pending")
    assert pending.count() == 2
    assert {r.activity.checkin_point.confirm_by_message for r in pending} == {True}
    assert CheckinPoint.objects.filter(confirm_by_message=True).count() == 1
    assert CheckIn.objects.filter(how="self").exists()
    assert CheckIn.objects.filter(how="ticket").exists()
