"""Where the demo's notifications land: a local SMTP sink and a webhook receiver, kept on disk."""

from __future__ import annotations

import asyncio
import collections
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tandem_notifications.adapters.webhook import IDEMPOTENCY, verify
from tandem_notifications.smtp_sink import SmtpSink

Clock = Callable[[], datetime]
# Writing a message back without refolding its headers costs a third of the CPU, for thousands.
AS_RECEIVED = policy.compat32


class WebhookReceiver:
    """A program's chat webhook on loopback: checks Tandem's signature, counts each key."""

    def __init__(self, clock: Clock = lambda: datetime.now(UTC)) -> None:
        self.secret = ""
        self.keys: collections.Counter[str] = collections.Counter()
        self.bodies: list[str] = []
        self.refused = 0
        self._clock = clock
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Hook(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                taken = receiver.take(dict(self.headers.items()), body)
                self.send_response(200 if taken else 503 if not receiver.secret else 401)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the demo prints its own summary."""

        return Hook

    def take(self, headers: dict[str, str], body: bytes) -> bool:
        """Count a delivery that carries a valid signature; refuse the rest."""
        with self._lock:
            titled = {k.title(): v for k, v in headers.items()}
            if not self.secret:
                return False  # not configured yet: the sender retries later
            if not verify(self.secret, titled, body, self._clock()):
                self.refused += 1
                return False
            key = titled.get(IDEMPOTENCY.title(), "")
            self.keys[key] += 1
            if self.keys[key] == 1:
                self.bodies.append(body.decode(errors="replace"))
            return True

    def start(self) -> WebhookReceiver:
        """Serve in a background thread."""
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()


class Inboxes:
    """The SMTP sink and the webhook receiver the demo starts for the notifications service."""

    def __init__(self, clock: Clock, smtp_port: int | None = None) -> None:
        self.mail = SmtpSink(port=smtp_port)
        self.hooks = WebhookReceiver(clock)

    def start(self) -> Inboxes:
        """Listen on loopback."""
        self.mail.start()
        self.hooks.start()
        return self

    def stop(self) -> None:
        """Close both listeners."""
        self.mail.stop()
        self.hooks.stop()

    def delivered(self) -> dict[str, int]:
        """Deliveries per channel (each message once, however often it arrived)."""
        return {"email": len(self.mail.counts), "webhook": len(self.hooks.keys)}

    async def quiet(self, seconds: float = 3.0, patience: float = 120.0) -> dict[str, int]:
        """Once nothing arrived for ``seconds`` (before restarting notifications: a restart
        abandons the batch in flight, which is then sent again)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + patience
        seen = self.delivered()
        while loop.time() < deadline:
            await asyncio.sleep(seconds)
            now = self.delivered()
            if now == seen:
                break
            seen = now
        return seen

    def duplicates(self) -> int:
        """Messages that arrived more than once (a notification sent twice)."""
        mail = sum(n - 1 for n in self.mail.counts.values())
        return mail + sum(n - 1 for n in self.hooks.keys.values())

    def repeated(self) -> dict[str, int]:
        """Each message that arrived more than once, and how often."""
        counts = {**self.mail.counts, **self.hooks.keys}
        return {key: n for key, n in counts.items() if n > 1}

    def texts(self) -> list[str]:
        """Every delivered message's text, for the leak scan."""
        mail = [m.as_string(policy=AS_RECEIVED) for m in self.mail.messages]
        return mail + list(self.hooks.bodies)

    def keep(self, folder: Path) -> Path:
        """Write what arrived to ``folder`` (one .eml per mail, one JSON per webhook call)."""
        folder.mkdir(parents=True, exist_ok=True)
        for number, message in enumerate(self.mail.messages):
            (folder / f"mail-{number:05}.eml").write_text(message.as_string(policy=AS_RECEIVED))
        for number, body in enumerate(self.hooks.bodies):
            (folder / f"webhook-{number:05}.json").write_text(body)
        return folder
