"""Public social-media profile links built from what staff typed: a handle or a full URL."""

from __future__ import annotations


def _handle(value: str) -> str:
    return value.strip().lstrip("@").strip("/")


def _is_url(value: str) -> bool:
    return value.strip().lower().startswith(("https://", "http://"))


def _profile(value: str, pattern: str) -> str:
    if not value.strip():
        return ""
    return value.strip() if _is_url(value) else pattern.format(_handle(value))


def instagram_url(value: str) -> str:
    return _profile(value, "https://www.instagram.com/{}/")


def tiktok_url(value: str) -> str:
    return _profile(value, "https://www.tiktok.com/@{}")


def facebook_url(value: str) -> str:
    return _profile(value, "https://www.facebook.com/{}")


def x_url(value: str) -> str:
    return _profile(value, "https://x.com/{}")


def youtube_url(value: str) -> str:
    return _profile(value, "https://www.youtube.com/@{}")
