"""uvicorn's httptools protocol, with what one turn of the event loop writes sent as one.

uvicorn writes an answer's status line and headers, then its body: two transport writes, and
uvloop sends each at once, so every answer cost two system calls where one does. A send cost
about 0.15 ms of CPU here (py-spy on the API under load, ADR 0046), a twentieth of a check-in's
API CPU. The transport this protocol hands uvicorn gathers the writes of one turn and sends
them together at the end of that turn, or at once before a close.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class GatheredWrites:
    """A transport whose writes wait for the end of the event loop's turn, then go as one."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Keep ``data`` for the turn's one send."""
        if not self._pending:
            self._loop.call_soon(self.send)
        self._pending.append(bytes(data))

    def send(self) -> None:
        """Write what the turn gathered (nothing once the transport is closing)."""
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        """Send what is gathered, then close (a close after an answer must not lose it)."""
        self.send()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class GatheringHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over :class:`GatheredWrites`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(GatheredWrites(transport, self.loop))  # type: ignore[arg-type]
