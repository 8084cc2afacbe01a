"""A minimal SMTP server for the benchmark: accepts every message and counts its Message-ID.

aiosmtpd (which the tests use) spends far more per message than the service under test, on a
machine where both share two cores; this sink speaks just enough SMTP (RFC 5321: EHLO/HELO,
MAIL, RCPT, DATA with dot-stuffed data, RSET, NOOP, QUIT) in an ``asyncio.Protocol`` on its own
thread, so the figure measures the sender. It keeps nothing but the counts.
"""

from __future__ import annotations

import asyncio
import collections
import re
import socket
import threading

_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)
_END = b"\r\n.\r\n"


class _Session(asyncio.Protocol):
    def __init__(self, counts: collections.Counter[str]) -> None:
        self._counts = counts
        self._buffer = b""
        self._in_data = False
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        transport.write(b"220 bench-sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while self._transport is not None:
            if self._in_data:
                end = self._buffer.find(_END)
                if end < 0:
                    return
                self._message(self._buffer[: end + 2])
                self._buffer = self._buffer[end + len(_END) :]
                self._in_data = False
                self._transport.write(b"250 2.0.0 accepted\r\n")
                continue
            line, sep, rest = self._buffer.partition(b"\r\n")
            if not sep:
                return
            self._buffer = rest
            self._command(line[:4].upper())

    def _command(self, verb: bytes) -> None:
        assert self._transport is not None
        if verb == b"EHLO":
            self._transport.write(b"250-bench-sink\r\n250 8BITMIME\r\n")
        elif verb == b"DATA":
            self._in_data = True
            self._transport.write(b"354 end with <CRLF>.<CRLF>\r\n")
        elif verb == b"QUIT":
            self._transport.write(b"221 bye\r\n")
            self._transport.close()
            self._transport = None
        else:  # HELO, MAIL, RCPT, RSET, NOOP: all fine here
            self._transport.write(b"250 OK\r\n")

    def _message(self, raw: bytes) -> None:
        head = raw.split(b"\r\n\r\n", 1)[0]
        found = _MESSAGE_ID.search(head)
        self._counts[found.group(1).decode() if found else ""] += 1


class FastSink:
    """Start with :meth:`start`, stop with :meth:`stop`; ``counts`` by Message-ID."""

    def __init__(self) -> None:
        self._counts: collections.Counter[str] = collections.Counter()
        self._loop = asyncio.new_event_loop()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.port = int(self._sock.getsockname()[1])
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> FastSink:
        """Listen on the loopback port."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(10)
        return self

    async def _serve(self) -> None:
        self._server = await self._loop.create_server(
            lambda: _Session(self._counts), sock=self._sock, backlog=256
        )

    def stop(self) -> None:
        """Close the listener and the loop's thread."""
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def counts(self) -> dict[str, int]:
        """How often each Message-ID was accepted (a copy; the GIL makes it consistent)."""
        return dict(self._counts)
