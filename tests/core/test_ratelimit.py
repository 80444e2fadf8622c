"""The sliding-window rate limiter: a burst counts whole wherever the clock's minute turns."""

from __future__ import annotations

import datetime

import time_machine

from mitra.core.ratelimit import rate_limit_hit

# 12:00:00 UTC on a fixed day: every test places its hits relative to a minute boundary.
BOUNDARY = datetime.datetime(2026, 3, 2, 12, 0, 0, tzinfo=datetime.UTC)


def _hits(key: str, count: int, *, at: datetime.datetime, limit: int = 10) -> list[bool]:
    with time_machine.travel(at, tick=False):
        return [rate_limit_hit(key=key, limit=limit, period=60) for _ in range(count)]


def test_allows_the_limit_then_refuses_within_one_window():
    allowed = _hits("a", 11, at=BOUNDARY + datetime.timedelta(seconds=20))
    assert allowed == [True] * 10 + [False]


def test_a_burst_straddling_the_minute_boundary_is_counted_whole():
    # Half the limit just before the minute turns, the rest just after: a fixed window
    # would restart its count at 12:00:00 and allow the eleventh hit.
    before = _hits("b", 5, at=BOUNDARY - datetime.timedelta(milliseconds=500))
    after = _hits("b", 6, at=BOUNDARY + datetime.timedelta(milliseconds=500))
    assert before == [True] * 5
    assert after == [True] * 5 + [False]


def test_twice_the_limit_around_a_boundary_is_refused():
    # The classic fixed-window hole: the full limit at the end of one minute and again at
    # the start of the next.
    _hits("c", 10, at=BOUNDARY - datetime.timedelta(seconds=1))
    after = _hits("c", 10, at=BOUNDARY + datetime.timedelta(seconds=1))
    assert after == [False] * 10


def test_the_earlier_window_fades_as_the_current_one_passes():
    _hits("d", 10, at=BOUNDARY - datetime.timedelta(seconds=30))
    # Half-way through the next minute half of the earlier hits still weigh in.
    assert _hits("d", 6, at=BOUNDARY + datetime.timedelta(seconds=30)) == [True] * 5 + [False]


def test_a_full_quiet_period_resets_the_count():
    _hits("e", 15, at=BOUNDARY + datetime.timedelta(seconds=5))
    assert _hits("e", 10, at=BOUNDARY + datetime.timedelta(seconds=125)) == [True] * 10


def test_keys_are_counted_apart():
    _hits("f", 11, at=BOUNDARY)
    assert _hits("g", 1, at=BOUNDARY) == [True]
