"""An HTTP command as the runner sees it: who, which operation, which key, which request."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class CommandRequest:
    """One command call; ``key`` is the client's Idempotency-Key (None: not idempotent)."""

    caller: str
    operation: str
    key: str | None
    fingerprint: str
    status: int = 200


@dataclass(frozen=True)
class StoredResponse:
    """What a command answered the first time, kept to answer its replays."""

    fingerprint: str
    status: int
    body: dict[str, object]


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """A hash of everything that makes two requests the same request."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()
