"""Signals of elections that higher apps hear (they register themselves in `ready`)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside `services.programme_copy`'s transaction with `source` and `copy` (two
# Programme rows of different offices): `activities` copies the source's methods and
# approaches, so a new office starts from its parent's programme as a whole.
programme_copied = Signal()
