"""Pieces of activity pages that lower apps' pages show (partners sits below activities and
does not import it: its templates load this library instead)."""

from __future__ import annotations

from typing import Any

from django import template

from mitra.activities.selectors import partner_section

register = template.Library()


@register.inclusion_tag("activities/_partner_activities.html", takes_context=True)
def partner_activities(context: template.Context, partner: Any) -> dict[str, Any]:
    """The partner page's section: its latest activities, verified reach and progress."""
    membership = getattr(context.get("request"), "membership", None)
    return partner_section(membership=membership, partner=partner)
