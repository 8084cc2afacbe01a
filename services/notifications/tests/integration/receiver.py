"""A real HTTP webhook receiver for tests: verifies signatures, refuses replays, counts keys."""

from __future__ import annotations

import collections
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request, Response

from tandem_notifications.adapters.webhook import IDEMPOTENCY, SIGNATURE, verify


@dataclass
class Received:
    """What the receiver took in, and what it refused."""

    secret: str
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    answer: int = 200
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    keys: collections.Counter[str] = field(default_factory=collections.Counter)
    signatures: set[str] = field(default_factory=set)


def receiver_app(state: Received) -> FastAPI:
    """Slack-style incoming webhook that checks Tandem's signature like a careful receiver."""
    app = FastAPI()

    @app.post("/hook")
    async def hook(request: Request) -> Response:
        body = await request.body()
        headers = dict(request.headers)
        if state.answer != 200:
            return Response(status_code=state.answer)
        if not verify(
            state.secret, {k.title(): v for k, v in headers.items()}, body, state.clock()
        ):
            state.refused.append("bad signature or stale timestamp")
            return Response(status_code=401)
        signature = headers[SIGNATURE.lower()]
        if signature in state.signatures:
            state.refused.append("replay")
            return Response(status_code=409)
        state.signatures.add(signature)
        key = headers[IDEMPOTENCY.lower()]
        state.keys[key] += 1
        if state.keys[key] == 1:
            state.accepted.append({"headers": headers, "body": body})
        return Response(status_code=200)

    return app
