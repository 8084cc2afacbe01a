"""Unsubscribe links that work without logging in: a signed, expiring token naming the person."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from tandem_notifications.domain.errors import NotificationError


class InvalidToken(NotificationError):
    """A token that was forged, mangled or has expired."""

    status = 403


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(secret: bytes, person_id: str, expires_at: datetime) -> str:
    """A token that unsubscribes ``person_id`` from email until ``expires_at``."""
    claim = f"{person_id}\x1f{int(expires_at.timestamp())}".encode()
    mac = hmac.new(secret, claim, hashlib.sha256).digest()
    return f"{_b64(claim)}.{_b64(mac)}"


def read(secret: bytes, token: str, now: datetime) -> str:
    """The person a genuine, unexpired token names."""
    try:
        claim_text, mac_text = token.split(".", 1)
        claim, mac = _unb64(claim_text), _unb64(mac_text)
    except (ValueError, UnicodeError):
        raise InvalidToken("malformed token") from None
    expected = hmac.new(secret, claim, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, mac):
        raise InvalidToken("token signature does not match")
    person_id, _, expiry = claim.decode().rpartition("\x1f")
    if not expiry.isdigit() or int(expiry) < now.timestamp():
        raise InvalidToken("token has expired")
    return person_id
