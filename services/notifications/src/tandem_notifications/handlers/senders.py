"""The channels the dispatcher sends through, as it needs them (SMTP and signed webhooks)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from tandem_notifications.adapters.email import OutgoingMail


class EmailSender(Protocol):
    """Anything that submits an email (the SMTP channel)."""

    async def send(self, mail: OutgoingMail) -> None: ...


class WebhookSender(Protocol):
    """Anything that posts a signed webhook."""

    async def send(
        self, url: str, secret: str, text: str, idempotency_key: str, now: datetime
    ) -> None: ...
