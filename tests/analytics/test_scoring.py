"""The gap score and pace on small numbers whose answer is known by hand."""

from __future__ import annotations

import datetime

import pytest

from mitra.analytics import scoring


def test_gap_score_nobody_reached_is_voters_in_thousands():
    # 10,000 voters of the segment, nobody reached, no turnout known: 10 × 1 × 1
    assert scoring.gap_score(voters=10_000, reached=0, area_turnout=None, city_turnout=None) == 10.0


def test_one_person_per_thousand_halves_the_score():
    assert scoring.gap_score(voters=10_000, reached=10, area_turnout=None, city_turnout=None) == 5.0


@pytest.mark.parametrize(
    ("area", "city", "weight"),
    [
        (0.6, 0.8, 2.0),
        (0.9, 0.8, 0.5),
        (0.7, 0.8, 1.5),
        (None, 0.8, 1.0),
        (0.5, 0.8, 2.0),
        (0.95, 0.8, 0.5),
    ],
)
def test_low_turnout_weighs_more_within_bounds(area, city, weight):
    assert scoring.turnout_weight(area_turnout=area, city_turnout=city) == pytest.approx(weight)


def test_days_left_are_no_factor_of_the_score():
    """A factor common to every gap of a day changes no ranking; it only made scores look
    as if gaps worsened as voting day neared. The score takes no days at all."""
    import inspect

    assert "days_left" not in inspect.signature(scoring.gap_score).parameters
    assert not hasattr(scoring, "urgency")


def test_a_segment_estimate_is_its_share_of_the_area_rounded_half_up():
    assert scoring.segment_voters(area_voters=17_271, share_percent=20) == 3_454  # 3,454.2
    assert scoring.segment_voters(area_voters=10_005, share_percent=10) == 1_001  # 1,000.5


def test_ranking_of_three_hand_made_areas():
    cases = {
        "big, untouched, low turnout": {
            "voters": 20_000,
            "reached": 0,
            "area_turnout": 0.6,
            "city_turnout": 0.75,
        },
        "big, well covered": {
            "voters": 20_000,
            "reached": 400,
            "area_turnout": 0.6,
            "city_turnout": 0.75,
        },
        "small, untouched": {
            "voters": 5_000,
            "reached": 0,
            "area_turnout": 0.75,
            "city_turnout": 0.75,
        },
    }
    scores = {k: scoring.gap_score(**v) for k, v in cases.items()}
    # 20 × 1 × 1.6 = 32; 20 × 1/21 × 1.6 = 1.52; 5 × 1 × 1 = 5
    assert scores == {
        "big, untouched, low turnout": 32.0,
        "big, well covered": 1.52,
        "small, untouched": 5.0,
    }


def test_expected_share_is_elapsed_share_of_the_period():
    start, end = datetime.date(2024, 9, 25), datetime.date(2024, 11, 27)  # 63 days
    assert scoring.expected_share(
        start=start, end=end, today=datetime.date(2024, 10, 26)
    ) == pytest.approx(31 / 63)
    assert scoring.expected_share(start=start, end=end, today=datetime.date(2024, 9, 1)) == 0
    assert scoring.expected_share(start=start, end=end, today=datetime.date(2025, 1, 1)) == 1


def test_pace_on_track_when_share_done_at_least_share_of_time():
    assert scoring.Pace(actual=50, target=100, expected=0.5, days_left=30).on_track
    assert not scoring.Pace(actual=49, target=100, expected=0.5, days_left=30).on_track
    assert scoring.Pace(actual=40, target=100, expected=0.5, days_left=14).needed_per_week == 30
