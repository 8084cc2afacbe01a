"""Where command results are kept: PostgreSQL (in the command's transaction) or memory (fakes)."""

from __future__ import annotations

from typing import Protocol

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


class CommandRecords(Protocol):
    """The port: claim a key for this command, or learn what its first run answered."""

    async def claim(self, request: CommandRequest) -> StoredResponse | None: ...

    async def complete(self, request: CommandRequest, response: StoredResponse) -> None: ...


class PostgresCommandRecords:
    """Command results in the ``command_results`` table, written in the caller's transaction."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def claim(self, request: CommandRequest) -> StoredResponse | None:
        """None when this run owns the key; else the earlier run's response."""
        scope = (request.caller, request.operation, request.key)
        if await self._conn.fetchval(_CLAIM, *scope, request.fingerprint):
            return None
        row = await self._conn.fetchrow(_EARLIER, *scope)
        assert row is not None  # a conflicting row is committed, hence visible to this statement
        return StoredResponse(row["request_hash"], row["status"], row["response"])

    async def complete(self, request: CommandRequest, response: StoredResponse) -> None:
        """Keep the response beside the claim, committed with the command's events."""
        scope = (request.caller, request.operation, request.key)
        await self._conn.execute(_COMPLETE, *scope, response.status, response.body)


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
