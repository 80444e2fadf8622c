"""Links to partners' public social profiles, built from what staff typed (handle or URL)."""

from __future__ import annotations

from django import template

from mitra.partners.phones import whatsapp_link

register = template.Library()


def _handle(value: str) -> str:
    return value.strip().lstrip("@").strip("/")


def _is_url(value: str) -> bool:
    return value.strip().lower().startswith(("https://", "http://"))


@register.filter
def instagram_url(value: str) -> str:
    return value.strip() if _is_url(value) else f"https://www.instagram.com/{_handle(value)}/"


@register.filter
def tiktok_url(value: str) -> str:
    return value.strip() if _is_url(value) else f"https://www.tiktok.com/@{_handle(value)}"


@register.filter
def facebook_url(value: str) -> str:
    return value.strip() if _is_url(value) else f"https://www.facebook.com/{_handle(value)}"


@register.filter
def whatsapp_url(value: str) -> str:
    return whatsapp_link(value)
