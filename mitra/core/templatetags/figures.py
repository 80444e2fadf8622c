"""Template filters writing figures as mitra.core.numbers rounds them (one helper everywhere).

{% load figures %}
{{ area.reach_per_1000|figure:"rate" }}   5,98
{{ area.turnout|share_percent }}          77,6   (a share 0…1 as a percentage)
"""

from __future__ import annotations

from typing import Any

from django import template

from mitra.core.numbers import Kind, format_figure

register = template.Library()


@register.filter
def figure(value: Any, kind: str = "") -> Any:
    """A number written for its kind (a count when none is named); anything else (e.g.
    "<5", None) left as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return format_figure(value, kind or Kind.COUNT)


@register.filter
def share_percent(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return format_figure(100 * value, Kind.PERCENT)
