"""How every figure is rounded and written: one helper for pages, exports, charts and API.

Rounding is half-up (2.45 → 2.5, as people round by hand), never truncation, and each kind
of figure has one number of decimals wherever it appears:

| kind | decimals | e.g. |
| --- | --- | --- |
| count (people, activities, voters, days) | 0 | 1.887.881 |
| rate (per 1,000 / per 10,000 voters) | 2 | 5,98 |
| percent (turnout, progress) | 1 | 77,6 % |
| score (gap score) | 2 | 35,20 |
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.formats import number_format


class Kind(StrEnum):
    COUNT = "count"
    RATE = "rate"
    PERCENT = "percent"
    SCORE = "score"


DECIMALS = {Kind.COUNT: 0, Kind.RATE: 2, Kind.PERCENT: 1, Kind.SCORE: 2}


def round_half_up(value: float | int | Decimal, digits: int = 0) -> Decimal:
    """`value` to `digits` decimals, halves away from zero (from its shortest decimal
    writing, so 2.675 rounds to 2.68 although the float is a hair below it)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def figure(value: float | int | Decimal, kind: Kind | str) -> float | int:
    """The rounded number of a figure of this kind (for exports and the API)."""
    digits = DECIMALS[Kind(kind)]
    rounded = round_half_up(value, digits)
    return int(rounded) if digits == 0 else float(rounded)


def format_number(value: float | int | Decimal, digits: int = 0) -> str:
    """A number as the pages write it: rounded half-up to `digits` decimals, grouped
    thousands, the active language's separators (1.234,5 in Indonesian)."""
    return number_format(round_half_up(value, digits), decimal_pos=digits, force_grouping=True)


def format_figure(value: float | int | Decimal, kind: Kind | str) -> str:
    """A figure of this kind as the pages write it (see the table above)."""
    return format_number(value, DECIMALS[Kind(kind)])


def percent(share: float) -> float:
    """A share (0…1) as a percentage rounded like every percentage."""
    return float(figure(100 * share, Kind.PERCENT))
