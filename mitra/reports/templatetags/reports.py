"""Figures as the report writes them: the dashboard's number formats (one helper)."""

from __future__ import annotations

from typing import Any

from django import template

from mitra.core.numbers import Kind, format_figure

register = template.Library()


def _shown(value: Any, kind: Kind) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):  # "<5" or "*": hidden small counts stay as they are
        return value
    return format_figure(value, kind)


@register.filter
def count(value: Any) -> str:
    return _shown(value, Kind.COUNT)


@register.filter
def rate(value: Any) -> str:
    return _shown(value, Kind.RATE)


@register.filter(name="pct")
def percent_figure(value: Any) -> str:
    return _shown(value, Kind.PERCENT)
