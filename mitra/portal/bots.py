"""Who is a person's browser and who is a crawler or a link-preview fetcher."""

from __future__ import annotations

import re

from django.http import HttpRequest

# Crawlers and the fetchers that build link previews in chat apps and social networks,
# matched case-insensitively anywhere in the User-Agent ("bot" covers Googlebot, bingbot,
# Twitterbot, Slackbot, TelegramBot, LinkedInBot, Discordbot and the generic ones).
_BOT = re.compile(
    r"bot|crawler|spider|crawl|slurp|facebookexternalhit|facebookcatalog|meta-externalagent"
    r"|whatsapp|slack-imgproxy|embedly|skypeuripreview|pinterest|yandex|preview",
    re.IGNORECASE,
)


def is_bot_user_agent(user_agent: str) -> bool:
    return bool(_BOT.search(user_agent))


def counts_as_view(request: HttpRequest) -> bool:
    """A GET by a browser that is not a crawler, preview fetcher or speculative prefetch."""
    if request.method != "GET":
        return False
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    if "prefetch" in purpose.lower() or "prerender" in purpose.lower():
        return False
    return not is_bot_user_agent(request.headers.get("User-Agent", ""))
