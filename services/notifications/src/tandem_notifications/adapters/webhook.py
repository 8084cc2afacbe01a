"""Slack-compatible incoming webhooks, signed with HMAC-SHA256 over a timestamp and the body.

The receiver recomputes ``v1=hex(HMAC(secret, "<timestamp>.<body>"))``, refuses timestamps
outside its tolerance (replays of old requests) and may drop repeats by ``Idempotency-Key``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from tandem_notifications.domain.errors import (
    InvalidAddress,
    PermanentFailure,
    TemporaryFailure,
)

SIGNATURE = "X-Tandem-Signature"
TIMESTAMP = "X-Tandem-Timestamp"
IDEMPOTENCY = "Idempotency-Key"
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> bool:
    """True for a well-signed, fresh request (what a receiver checks)."""
    try:
        timestamp = int(headers[TIMESTAMP])
        given = headers[SIGNATURE]
    except (KeyError, ValueError):
        return False
    if abs(now.timestamp() - timestamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), given)


def check_url(url: str, *, allow_http: bool) -> None:
    """Webhooks go to https URLs (http only where settings allow it, such as local tests)."""
    parts = urlsplit(url)
    schemes = {"https", "http"} if allow_http else {"https"}
    if parts.scheme not in schemes or not parts.hostname:
        raise InvalidAddress(f"not a usable webhook URL: {url!r}")


class WebhookChannel:
    """POSTs ``{"text": ...}`` with the signature, the timestamp and an idempotency key."""

    def __init__(self, client: httpx.AsyncClient, *, allow_http: bool = False) -> None:
        self._client = client
        self._allow_http = allow_http

    async def send(
        self, url: str, secret: str, text: str, idempotency_key: str, now: datetime
    ) -> None:
        """Deliver once; 5xx, 429 and timeouts are temporary, other 4xx permanent."""
        check_url(url, allow_http=self._allow_http)
        body = json.dumps({"text": text}, separators=(",", ":")).encode()
        timestamp = int(now.timestamp())
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP: str(timestamp),
            SIGNATURE: sign(secret, timestamp, body),
            IDEMPOTENCY: idempotency_key,
        }
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise TemporaryFailure(f"webhook timed out: {exc!r}") from exc
        except httpx.TransportError as exc:
            raise TemporaryFailure(f"webhook unreachable: {exc!r}") from exc
        status = response.status_code
        if status >= 500 or status == 429:
            raise TemporaryFailure(f"webhook answered {status}")
        if status >= 400:
            raise PermanentFailure(f"webhook refused with {status}: {response.text[:200]}")
