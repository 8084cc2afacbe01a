"""Text PostgreSQL cannot store (NUL, lone surrogates) is refused with a 422 naming the field.

It is checked once, before routing, for every service: a NUL that reached a query would be a
500 from the database driver instead of the client's mistake it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Location = tuple[str | int, ...]


def storable(text: str) -> bool:
    """True when PostgreSQL's text type can hold ``text``."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        return False
    return True


def unstorable_in(value: object, location: Location) -> Iterator[Location]:
    """Where, inside a decoded JSON value, strings (keys included) cannot be stored."""
    if isinstance(value, str):
        if not storable(value):
            yield location
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unstorable_in(item, (*location, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            if not storable(key):
                yield (*location, key)
            yield from unstorable_in(item, (*location, key))


def problems(scope: Scope, body: bytes) -> list[Location]:
    """Every place in the request holding text that cannot be stored."""
    found: list[Location] = []
    if not storable(scope.get("path", "")):
        found.append(("path",))
    query = scope.get("query_string", b"").decode("utf-8", "surrogateescape")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if not (storable(name) and storable(value)):
            found.append(("query", name))
    if body:
        try:
            decoded = orjson.loads(body)
        except orjson.JSONDecodeError:  # not JSON (CSV, text): look at the raw bytes
            if b"\x00" in body:
                found.append(("body",))
        else:
            found.extend(unstorable_in(decoded, ("body",)))
    return found


class StorableTextOnly:
    """ASGI middleware: 422 for a request carrying text the database cannot store."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Buffer the body, check it, then hand the same body on (or answer 422)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        if found := problems(scope, body):
            await _refuse(found, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _refuse(found: list[Location], send: Send) -> None:
    detail = [
        {
            "loc": list(location),
            "msg": "text with a NUL character or a lone surrogate cannot be stored",
            "type": "string_unstorable",
        }
        for location in found
    ]
    payload = orjson.dumps({"detail": detail})
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
