"""The bench's HTTP/1.1 client: kept-alive connections, the request as bytes, the answer as bytes.

The load generator runs on the same two cores as the system it measures, so its own CPU per
check-in is taken from the services. aiohttp built request and response objects, headers
and cookie-jar passes per POST; with the watcher it cost 3.0 ms of CPU per check-in, 1.1 ms
with this client (ADR 0042). It writes a pre-encoded head and body and reads the status
line, the headers it needs and a ``Content-Length`` body, nothing else (uvicorn answers
every JSON route that way).
"""

from __future__ import annotations

import asyncio
import time

# uvicorn closes a connection idle for 5 s; one idle this long is not reused (a POST sent
# on a connection the server is closing would fail for the bench's sake, not the system's).
STALE_SECONDS = 2.0

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter, float]


class KeptConnections:
    """Up to ``limit`` concurrent requests to one server, on connections reused once idle."""

    def __init__(self, host: str, port: int, limit: int) -> None:
        self._host = host
        self._port = port
        self._slots = asyncio.Semaphore(limit)
        self._idle: list[Connection] = []  # most recently used last

    async def post(self, request: bytes) -> tuple[int, bytes]:
        """Send a whole request (head and body) and return the status and body."""
        async with self._slots:
            reader, writer = await self._connection()
            try:
                writer.write(request)
                status, body, keep = await _answer(reader)
            except BaseException:
                writer.close()
                raise
            if keep:
                self._idle.append((reader, writer, time.perf_counter()))
            else:
                writer.close()
            return status, body

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        while self._idle:
            reader, writer, since = self._idle.pop()
            if time.perf_counter() - since < STALE_SECONDS:
                return reader, writer
            writer.close()
        return await asyncio.open_connection(self._host, self._port)

    def close(self) -> None:
        """Close every idle connection."""
        for _, writer, _ in self._idle:
            writer.close()
        self._idle.clear()


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("the server closed the connection")
    status = int(status_line.split(b" ", 2)[1])
    length, keep = 0, True
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            keep = False
    return status, await reader.readexactly(length), keep


def post_head(host: str, port: int, path: str, headers: dict[str, str], length: int) -> bytes:
    """The head of a JSON POST of ``length`` bytes, ready to send."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += ["Content-Type: application/json", f"Content-Length: {length}", "", ""]
    return "\r\n".join(lines).encode()
