"""`copy_insert` (COPY on PostgreSQL, bulk_create elsewhere) writes the rows it is given and
fills the fields left out the way Django would; reserved keys never collide later."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mitra.activities.models import Activity, Report
from mitra.core.bulk import copy_insert, reserve_ids
from tests.checkin.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def test_rows_are_written_with_reserved_keys_and_model_defaults(programme):
    template = ActivityFactory(programme=programme)
    ids = reserve_ids(Activity, 3)
    assert len(set(ids)) == 3 and min(ids) > template.pk
    starts = timezone.now() + datetime.timedelta(days=1)
    rows = [
        (pk, template.office_id, programme.pk, f"Kegiatan {pk}", template.method_id, starts, starts)
        for pk in ids
    ]
    written = copy_insert(
        Activity,
        ("id", "office", "programme", "title", "method", "starts_at", "ends_at"),
        rows,
    )
    assert written == 3
    made = Activity.objects.filter(pk__in=ids).order_by("pk")
    assert [a.title for a in made] == [f"Kegiatan {pk}" for pk in ids]
    first = made[0]
    # Left out: the model's defaults (status draft, public, no expected attendance).
    assert (first.status, first.is_public, first.expected_attendance, first.venue) == (
        "draft",
        True,
        0,
        "",
    )
    assert first.updated_at is not None
    # A later ordinary insert takes a key past the reserved ones.
    assert ActivityFactory(programme=programme).pk > max(ids)
    # Related rows by key, from a generator.
    assert copy_insert(Report, ("activity", "attendance_total"), ((pk, 40) for pk in ids)) == 3
    assert sorted(Report.objects.values_list("attendance_total", flat=True)) == [40, 40, 40]
