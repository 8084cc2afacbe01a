"""An answer's writes in one turn of the event loop leave as one send; a close loses none."""

from __future__ import annotations

import asyncio

from tandem_service.http_writes import GatheredWrites


class Socket:
    """A transport that remembers each send."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.sent.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info {name}"


async def test_the_writes_of_one_turn_are_one_send() -> None:
    socket = Socket()
    writes = GatheredWrites(socket, asyncio.get_running_loop())  # type: ignore[arg-type]
    writes.write(b"HTTP/1.1 201 Created\r\n\r\n")
    writes.write(b'{"id": "c1"}')
    assert socket.sent == []
    await asyncio.sleep(0)
    assert socket.sent == [b'HTTP/1.1 201 Created\r\n\r\n{"id": "c1"}']
    writes.write(b"next")
    await asyncio.sleep(0)
    assert socket.sent[1:] == [b"next"]


async def test_a_close_sends_what_was_gathered_first() -> None:
    socket = Socket()
    writes = GatheredWrites(socket, asyncio.get_running_loop())  # type: ignore[arg-type]
    writes.write(b"last answer")
    writes.close()
    assert (socket.sent, socket.closed) == ([b"last answer"], True)
    await asyncio.sleep(0)
    assert socket.sent == [b"last answer"]
    assert writes.get_extra_info("peername") == "info peername"
