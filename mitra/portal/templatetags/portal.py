"""Links to partners' public social profiles, built from what staff typed (handle or URL)."""

from __future__ import annotations

from django import template

from mitra.core import social
from mitra.core.links import absolute_url
from mitra.partners.phones import whatsapp_link

register = template.Library()

register.filter("instagram_url", social.instagram_url)
register.filter("tiktok_url", social.tiktok_url)
register.filter("facebook_url", social.facebook_url)


@register.filter
def whatsapp_url(value: str) -> str:
    return whatsapp_link(value)


@register.simple_tag(takes_context=True)
def absolute(context: template.Context, path: str) -> str:
    """An absolute URL for `path`, built by the site's one absolute-URL helper."""
    return absolute_url(path, request=context.get("request")) if path else ""
