"""The channels behind one interface: `send(delivery)` returns the provider's id or raises
`TransientError` (retry with back-off) or `PermanentError` (give up, with the reason).

Logs name deliveries by id only: addresses and texts are personal data.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from .models import Channel, Delivery


class DeliveryError(Exception):
    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason[:300]
        self.retry_after = retry_after


class TransientError(DeliveryError):
    """The provider is busy or down (5xx, 429, timeout, connection refused): try later."""


class PermanentError(DeliveryError):
    """The provider refused this message (4xx: invalid number, rejected address): give up."""


class ChannelBackend(Protocol):
    code: str

    def off_reason(self) -> str:
        """Why the channel cannot send ("" when it can)."""
        ...

    def send(self, delivery: Delivery) -> str: ...


@dataclass
class EmailChannel:
    code: str = Channel.EMAIL

    def off_reason(self) -> str:
        return ""

    def send(self, delivery: Delivery) -> str:
        message_id = f"<delivery-{delivery.pk}.{delivery.key.replace(':', '-')[:60]}@mitra>"
        headers = {"Message-ID": message_id}
        if delivery.link:
            headers["List-Unsubscribe"] = f"<{delivery.link}>"
        email = EmailMessage(
            subject=delivery.subject,
            body=delivery.body,
            to=[delivery.recipient],
            headers=headers,
        )
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _msg in exc.recipients.values()]
            reason = f"SMTP {codes[0] if codes else ''} recipient refused"
            if codes and all(400 <= c < 500 for c in codes):
                raise TransientError(reason) from exc
            raise PermanentError(reason) from exc
        except smtplib.SMTPResponseException as exc:
            reason = f"SMTP {exc.smtp_code}"
            if exc.smtp_code >= 500:
                raise PermanentError(reason) from exc
            raise TransientError(reason) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientError(f"SMTP {type(exc).__name__}") from exc
        return message_id


@dataclass
class WhatsAppChannel:
    """WhatsApp Business Cloud API: an approved template whose one body parameter is the text."""

    code: str = Channel.WHATSAPP

    def off_reason(self) -> str:
        if not settings.WHATSAPP_TOKEN or not settings.WHATSAPP_PHONE_NUMBER_ID:
            return _("WhatsApp mati: WHATSAPP_TOKEN dan WHATSAPP_PHONE_NUMBER_ID belum diatur.")
        return ""

    def template_name(self, kind: str) -> str:
        names = settings.WHATSAPP_TEMPLATES
        return str(names.get(kind) or names.get("default") or "mitra_pemberitahuan")

    def payload(self, delivery: Delivery) -> dict[str, object]:
        # Template parameters may not hold line breaks: the lines are joined.
        text = " · ".join(line.strip() for line in delivery.body.splitlines() if line.strip())
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": delivery.recipient.lstrip("+"),
            "type": "template",
            "biz_opaque_callback_data": str(delivery.pk),
            "template": {
                "name": self.template_name(delivery.kind),
                "language": {"code": delivery.language},
                "components": [
                    {"type": "body", "parameters": [{"type": "text", "text": text[:1024]}]}
                ],
            },
        }

    def send(self, delivery: Delivery) -> str:
        off = self.off_reason()
        if off:
            raise PermanentError(off)
        url = (
            f"{settings.WHATSAPP_API_URL.rstrip('/')}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
        )
        request = urllib.request.Request(  # noqa: S310 (the configured https API)
            url,
            data=json.dumps(self.payload(delivery)).encode(),
            headers={
                "Authorization": f"Bearer {settings.WHATSAPP_TOKEN}",
                "Content-Type": "application/json",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.WHATSAPP_TIMEOUT_SECONDS
            ) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise _http_error(exc) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise TransientError(f"WhatsApp {type(exc).__name__}") from exc
        except ValueError as exc:
            raise TransientError("WhatsApp answer unreadable") from exc
        messages = answer.get("messages") or [{}]
        return str(messages[0].get("id", ""))


def _http_error(exc: urllib.error.HTTPError) -> DeliveryError:
    try:
        error = json.loads(exc.read() or b"{}").get("error", {})
    except ValueError:
        error = {}
    detail = error.get("message") or exc.reason or ""
    code = error.get("code")
    reason = (
        f"WhatsApp {exc.code}" + (f" ({code})" if code else "") + (f": {detail}" if detail else "")
    )
    if exc.code == 429 or exc.code >= 500:
        retry_after = exc.headers.get("Retry-After") if exc.headers else None
        try:
            seconds = float(retry_after) if retry_after else None
        except ValueError:
            seconds = None
        return TransientError(reason, retry_after=seconds)
    return PermanentError(reason)


@dataclass
class InboxChannel:
    """The in-product inbox: the delivery row is the message; sending makes it visible."""

    code: str = Channel.INBOX

    def off_reason(self) -> str:
        return ""

    def send(self, delivery: Delivery) -> str:
        if delivery.user_id is None:
            raise PermanentError("inbox without a user")
        return ""


CHANNELS: dict[str, ChannelBackend] = {
    Channel.EMAIL: EmailChannel(),
    Channel.WHATSAPP: WhatsAppChannel(),
    Channel.INBOX: InboxChannel(),
}
