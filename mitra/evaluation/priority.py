"""What the staggered design tells the recommendations (registered in `apps.py`)."""

from __future__ import annotations

import datetime

from .models import StaggeredAssignment


def late_kelurahan(programme_id: int, day: datetime.date) -> set[str]:
    """The late group's kelurahan while their priority has not started."""
    return set(
        StaggeredAssignment.objects.filter(
            plan__programme_id=programme_id, late=True, plan__late_from__gt=day
        ).values_list("region_id", flat=True)
    )
