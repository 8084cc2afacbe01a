"""The exactly-once key: one notification per (cause event, recipient, kind)."""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("6f1d7c1e-3f0a-4d55-9a58-0b6c1e7d2a13")


def notification_id(cause_id: str, recipient_id: str, kind: str) -> str:
    """The same cause, recipient and kind always name the same notification."""
    return str(uuid.uuid5(_NAMESPACE, f"{cause_id}\x1f{recipient_id}\x1f{kind}"))


def message_id(notification: str, channel: str, domain: str) -> str:
    """A deterministic RFC 5322 Message-ID, so a resent copy is recognisably the same mail."""
    return f"<{notification}.{channel}@{domain}>"
