"""Where command results are kept: PostgreSQL (in the command's transaction) or memory (fakes)."""

from __future__ import annotations

from typing import Any, Protocol

import asyncpg

from tandem_service.commands.request import CommandRequest, StoredResponse

# A twin holding the same key blocks here until it commits (then we see its row) or aborts.
_CLAIM = """
INSERT INTO command_results (caller, operation, idempotency_key, request_hash)
VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1
"""
_EARLIER = """
SELECT request_hash, status, response FROM command_results
WHERE caller = $1 AND operation = $2 AND idempotency_key = $3
"""
_COMPLETE = """
UPDATE command_results SET status = $4, response = $5
WHERE caller = $1 AND operation = $2 AND idempotency_key = $3
"""


def record_step(first: int, only: str = "true") -> str:
    """A CTE ``recorded`` writing a whole record (parameters ``record_arguments``, numbered
    from ``first``) if ``only`` holds, for a statement that writes a command's effects too. No
    ON CONFLICT: a key already recorded (or held by a twin that then commits) fails the whole
    statement with a unique violation, so nothing of the command is written twice."""
    n = [f"${first + i}" for i in range(6)]
    return f"""recorded AS (
    INSERT INTO command_results
        (caller, operation, idempotency_key, request_hash, status, response)
    SELECT {n[0]}::text, {n[1]}::text, {n[2]}::text, {n[3]}::text, {n[4]}::integer, {n[5]}::jsonb
    WHERE {only}
)"""


def record_arguments(request: CommandRequest, response: StoredResponse) -> list[Any]:
    """The parameters of :func:`record_step`."""
    scope = [request.caller, request.operation, request.key]
    return [*scope, request.fingerprint, response.status, response.body]


_RECORD = f"WITH {record_step(1)}\nSELECT 1"


class CommandRecords(Protocol):
    """The port: claim a key for this command, or learn what its first run answered."""

    async def claim(self, request: CommandRequest) -> StoredResponse | None: ...

    async def complete(self, request: CommandRequest, response: StoredResponse) -> None: ...

    async def earlier(self, request: CommandRequest) -> StoredResponse | None:
        """What a committed earlier run with this key answered, if any (no claim)."""

    async def keep(self, request: CommandRequest, response: StoredResponse) -> None:
        """Record a single-write command that wrote nothing of its own (a unique violation
        when the key is already recorded)."""


class PostgresCommandRecords:
    """Command results in the ``command_results`` table, written in the caller's transaction."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def claim(self, request: CommandRequest) -> StoredResponse | None:
        """None when this run owns the key; else the earlier run's response."""
        scope = (request.caller, request.operation, request.key)
        if await self._conn.fetchval(_CLAIM, *scope, request.fingerprint):
            return None
        earlier = await self.earlier(request)
        assert earlier is not None  # a conflicting row is committed, hence visible to us
        return earlier

    async def complete(self, request: CommandRequest, response: StoredResponse) -> None:
        """Keep the response beside the claim, committed with the command's events."""
        scope = (request.caller, request.operation, request.key)
        await self._conn.execute(_COMPLETE, *scope, response.status, response.body)

    async def earlier(self, request: CommandRequest) -> StoredResponse | None:
        """What a committed earlier run with this key answered, if any."""
        scope = (request.caller, request.operation, request.key)
        row = await self._conn.fetchrow(_EARLIER, *scope)
        if row is None:
            return None
        return StoredResponse(row["request_hash"], row["status"], row["response"])

    async def keep(self, request: CommandRequest, response: StoredResponse) -> None:
        """Insert the whole record at once (a unique violation when the key is recorded)."""
        await self._conn.execute(_RECORD, *record_arguments(request, response))


class InMemoryCommandRecords:
    """Command results in a dict, for handler tests without a server."""

    def __init__(self) -> None:
        self.results: dict[tuple[str, str, str | None], StoredResponse] = {}

    async def claim(self, request: CommandRequest) -> StoredResponse | None:
        """The earlier response for the key, if any."""
        return self.results.get((request.caller, request.operation, request.key))

    async def complete(self, request: CommandRequest, response: StoredResponse) -> None:
        """Keep the response."""
        self.results[(request.caller, request.operation, request.key)] = response

    async def earlier(self, request: CommandRequest) -> StoredResponse | None:
        """The earlier response for the key, if any."""
        return await self.claim(request)

    async def keep(self, request: CommandRequest, response: StoredResponse) -> None:
        """Keep the response (memory has nothing to write atomically with it)."""
        await self.complete(request, response)
