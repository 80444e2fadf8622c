"""Numbers as the evaluation page writes them (the language's separators, signed changes)."""

from __future__ import annotations

from django import template

from mitra.core.numbers import format_number

from ..verdict import signed as _signed

register = template.Library()


@register.filter
def points(value: float | None, digits: int = 2) -> str:
    """64,78 (no sign); "—" when unknown."""
    return "—" if value is None else format_number(round(value, digits), digits)


@register.filter
def signed(value: float | None, digits: int = 2) -> str:
    """+1,25 / −0,40; "—" when unknown."""
    return "—" if value is None else _signed(value, digits)


@register.simple_tag
def segment_reach(area: object, segment_id: int, threshold: int) -> object:
    """People of one segment reached in the area, small counts hidden like elsewhere."""
    from ..selectors import shown_reach

    return shown_reach(getattr(area, "reach_by_segment", {}).get(segment_id, 0), threshold)
