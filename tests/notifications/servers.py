"""Local stand-ins for the outside world: an SMTP server (aiosmtpd) and an HTTP server that
answers like the WhatsApp Cloud API. The number a message goes to picks the answer."""

from __future__ import annotations

import json
import socket
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

# Numbers (E.164 without '+') that make the fake provider misbehave.
OK = "6281200000001"
BUSY_ONCE = "6281200000429"  # 429 on the first try
DOWN_TWICE = "6281200000500"  # 500 on the first two tries
INVALID = "6281200000400"  # 400 "recipient not a valid WhatsApp user", always


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpSink:
    """Collects the messages an aiosmtpd server receives."""

    def __init__(self) -> None:
        self.messages: list[dict[str, object]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(
                {"to": list(envelope.rcpt_tos), "data": envelope.content.decode("utf8", "replace")}
            )
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        self.sink = SmtpSink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class FakeWhatsApp:
    """POST /<phone-id>/messages → {"messages": [{"id": "wamid.N"}]}, or an error by number."""

    def __init__(self) -> None:
        self.tries: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()
        self.bodies: list[dict[str, object]] = []
        self.down = False  # answer 500 to everything while set
        self.refused_while_down = 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.headers.get("Authorization") != "Bearer test-token":
                    return self._answer(401, {"error": {"message": "bad token", "code": 190}})
                to = str(body.get("to"))
                with fake.lock:
                    fake.tries[to] += 1
                    tries = fake.tries[to]
                    fake.bodies.append(body)
                if fake.down:
                    with fake.lock:
                        fake.refused_while_down += 1
                    return self._answer(500, {"error": {"message": "down", "code": 1}})
                if to == BUSY_ONCE and tries == 1:
                    return self._answer(429, {"error": {"message": "rate", "code": 130429}})
                if to == DOWN_TWICE and tries <= 2:
                    return self._answer(500, {"error": {"message": "unknown", "code": 131000}})
                if to == INVALID:
                    return self._answer(
                        400,
                        {
                            "error": {
                                "message": "Recipient is not a valid WhatsApp user",
                                "code": 131026,
                            }
                        },
                    )
                with fake.lock:
                    fake.accepted[to] += 1
                    n = sum(fake.accepted.values())
                return self._answer(200, {"messages": [{"id": f"wamid.{n}.{to}"}]})

            def _answer(self, status: int, payload: dict[str, object]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v21.0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeWhatsApp:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
