"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepts: for tests and the bench.

It counts messages by ``Message-ID`` (so duplicates show), can answer with a chosen failure
code, and can offer STARTTLS and require AUTH like a production relay.
"""

from __future__ import annotations

import asyncio
import collections
import re
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class _Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)
    by_message_id: collections.Counter[str] = field(default_factory=collections.Counter)
    fail_with: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    store: bool = True
    stall_before_mail: float = 0.0
    stall_after_data: float = 0.0

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        await asyncio.sleep(self.stall_before_mail)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.fail_with is not None:
            return self.fail_with
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        found = _MESSAGE_ID.search(raw)
        key = found.group(1).decode() if found else ""
        parsed = message_from_bytes(raw, policy=policy.default) if self.store else None
        with self.lock:
            self.by_message_id[key] += 1
            if isinstance(parsed, EmailMessage):
                self.messages.append(parsed)
        # Accepted and counted, but the sender has not heard so yet (a crash window).
        await asyncio.sleep(self.stall_after_data)
        return "250 OK"


class SmtpSink:
    """Start with :meth:`start`, stop with :meth:`stop`; read ``messages`` and ``counts``."""

    def __init__(
        self,
        *,
        tls_context: ssl.SSLContext | None = None,
        credentials: tuple[str, str] | None = None,
        store: bool = True,
        port: int | None = None,
    ) -> None:
        self.port = port or _free_port()
        self._box = _Mailbox(store=store)
        kwargs: dict[str, Any] = {}
        if tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=True)
        if credentials is not None:
            kwargs.update(authenticator=_Authenticator(*credentials), auth_required=True)
        self._controller = Controller(
            self._box, hostname="127.0.0.1", port=self.port, server_kwargs=kwargs
        )

    def start(self) -> SmtpSink:
        """Listen on the loopback port."""
        self._controller.start()
        return self

    def stop(self) -> None:
        """Close the listener."""
        self._controller.stop()

    def fail_with(self, reply: str | None) -> None:
        """Answer DATA with ``reply`` (e.g. ``"451 try later"``) until called with None."""
        self._box.fail_with = reply

    def stall(self, *, before_mail: float = 0.0, after_data: float = 0.0) -> None:
        """Hold senders before the envelope, or after keeping a message but before saying so."""
        self._box.stall_before_mail = before_mail
        self._box.stall_after_data = after_data

    @property
    def messages(self) -> list[EmailMessage]:
        """Every accepted message, in order."""
        with self._box.lock:
            return list(self._box.messages)

    @property
    def counts(self) -> dict[str, int]:
        """How often each Message-ID was accepted."""
        with self._box.lock:
            return dict(self._box.by_message_id)

    @property
    def accepted(self) -> int:
        """How many messages were accepted in all."""
        with self._box.lock:
            return sum(self._box.by_message_id.values())


class _Authenticator:
    def __init__(self, user: str, password: str) -> None:
        self._expected = (user.encode(), password.encode())

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == self._expected
        return AuthResult(success=ok)
