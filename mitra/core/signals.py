"""Signals that lower apps send and higher apps hear, so no lower app imports a higher one.

`bulk_written`: a service wrote records in bulk (`bulk_create`, `update`, raw deletes), which
sends no model signals. `office_id` names the office whose records changed, or is None when
records every office shares changed (regions, boundaries). Caches of figures computed from
those records (`mitra.analytics.figure_cache`) listen to it.
"""

from __future__ import annotations

from django.dispatch import Signal

bulk_written = Signal()  # keyword argument: office_id (int | None)
