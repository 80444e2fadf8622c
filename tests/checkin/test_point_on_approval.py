"""The check-in point is made by the approval, never by a page: reading the attendance page
or the poster of an activity without one writes nothing."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from mitra.activities import services as activity_services
from mitra.checkin.models import CheckinPoint
from tests.checkin.factories import ActivityFactory

pytestmark = pytest.mark.django_db

fill = importlib.import_module(
    "mitra.checkin.migrations.0003_points_for_approved_activities"
).points_fill


def test_reading_the_attendance_page_and_poster_creates_no_point(client, staff_member, programme):
    activity = ActivityFactory(programme=programme, status="submitted")
    client.force_login(staff_member.user)
    before = CheckinPoint.objects.count()
    page = client.get(reverse("checkin:manage", args=[activity.pk]))
    poster = client.get(reverse("checkin:poster", args=[activity.pk]))
    assert CheckinPoint.objects.count() == before
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("checkin:poster", args=[activity.pk]) not in body  # no poster yet
    assert "muncul setelah kegiatan disetujui" in body
    assert 'name="opens_before_minutes"' in body  # the settings form, with the defaults
    assert poster.status_code == 404


def test_saving_the_settings_before_approval_creates_the_point(client, staff_member, programme):
    activity = ActivityFactory(programme=programme, status="submitted")
    client.force_login(staff_member.user)
    response = client.post(
        reverse("checkin:manage", args=[activity.pk]),
        {"self_checkin": "on", "opens_before_minutes": 30, "closes_after_minutes": 90},
    )
    assert response.status_code == 302
    assert CheckinPoint.objects.get(activity=activity).opens_before_minutes == 30


def test_approving_creates_exactly_one_point_and_resaving_adds_none(staff_member, programme):
    activity = ActivityFactory(programme=programme, status="submitted")
    assert not CheckinPoint.objects.filter(activity=activity).exists()
    activity_services.activity_approve(membership=staff_member, activity_id=activity.pk)
    point = CheckinPoint.objects.get(activity=activity)
    activity.refresh_from_db()
    activity.save()
    activity.status = "held"
    activity.save(update_fields=["status"])
    assert list(CheckinPoint.objects.filter(activity=activity)) == [point]
    assert point.office_id == activity.office_id and point.token


def test_an_activity_saved_before_approval_gets_no_point(programme):
    for status in ("draft", "submitted", "returned", "cancelled"):
        ActivityFactory(programme=programme, status=status)
    assert CheckinPoint.objects.count() == 0


def test_the_migration_fills_points_of_approved_activities_only(programme):
    approved = [ActivityFactory(programme=programme, status=s) for s in ("approved", "verified")]
    draft = ActivityFactory(programme=programme, status="draft")
    kept = CheckinPoint.objects.get(activity=approved[0])
    CheckinPoint.objects.filter(activity=approved[1]).delete()  # as before the change
    fill(apps, None)
    assert CheckinPoint.objects.get(activity=approved[0]) == kept  # untouched
    made = CheckinPoint.objects.get(activity=approved[1])
    assert made.office_id == approved[1].office_id and len(made.token) >= 20
    assert made.token != kept.token
    assert not CheckinPoint.objects.filter(activity=draft).exists()
    fill(apps, None)  # a second run adds nothing
    assert CheckinPoint.objects.count() == 2
