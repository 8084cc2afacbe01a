"""The idempotent command runner: claim the key, run the handler, keep its response, in one
transaction; replay the kept response to a retry; run again when a racing twin aborted us."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

import asyncpg
from pydantic import BaseModel

from tandem_service.commands.closing import Closing
from tandem_service.commands.context import CommandContext
from tandem_service.commands.request import CommandRequest, StoredResponse
from tandem_service.errors import KeyReused

R = TypeVar("R")
W = TypeVar("W")

# What a concurrent twin can make our transaction fail with; the next attempt reloads and
# then either succeeds, conflicts (409) or finds the twin's recorded response.
RACES = (
    asyncpg.UniqueViolationError,
    asyncpg.InFailedSQLTransactionError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)
ATTEMPTS = 3


async def run_command(
    ctx: CommandContext[W],
    request: CommandRequest,
    handle: Callable[[CommandContext[W]], Awaitable[R]],
    respond: Callable[[R], BaseModel],
) -> StoredResponse:
    """Run ``handle`` once per (caller, operation, key); a replay gets the first response."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await _attempt(ctx, request, handle, respond)
        except RACES:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


async def _attempt(
    ctx: CommandContext[W],
    request: CommandRequest,
    handle: Callable[[CommandContext[W]], Awaitable[R]],
    respond: Callable[[R], BaseModel],
) -> StoredResponse:
    async with ctx.transaction() as tx:
        if request.key is not None and (earlier := await tx.records.claim(request)):
            return answer_again(earlier, request)
        result = await handle(ctx.within(tx))
        body = respond(result).model_dump(mode="json")
        response = StoredResponse(request.fingerprint, request.status, body)
        if request.key is not None:
            await tx.records.complete(request, response)
        return response


async def run_single_write(
    ctx: CommandContext[W],
    request: CommandRequest,
    handle: Callable[[CommandContext[W]], Awaitable[R]],
    respond: Callable[[R], BaseModel],
) -> StoredResponse:
    """Run a command whose writes are one statement that also writes its record
    (``Transaction.closing``), on a connection outside any transaction: no claim, no BEGIN.

    The key is not claimed first, so a retry runs the handler again; its statement then fails
    on the key's primary key (whole: nothing written) or its checks refuse it, and either way
    the earlier record answers. A twin in flight holds the key's entry or the stream's row
    until it commits; the other waits, fails, and finds the twin's record.
    """
    if ctx.bare is None:
        return await run_command(ctx, request, handle, respond)
    for attempt in range(1, ATTEMPTS + 1):
        closing = Closing(request, respond)
        async with ctx.bare() as tx:
            try:
                result = await handle(ctx.within(replace(tx, closing=closing)))
                response = closing.response or closing.answer(result)
                if request.key is not None and not closing.carried:
                    await tx.records.keep(request, response)
                return response
            except Exception as refused:
                if request.key is not None and (earlier := await tx.records.earlier(request)):
                    return answer_again(earlier, request)
                if not isinstance(refused, RACES) or attempt == ATTEMPTS:
                    raise
    raise AssertionError("unreachable")


def answer_again(earlier: StoredResponse, request: CommandRequest) -> StoredResponse:
    """The first response to a retry of the same request; KeyReused for another request."""
    if earlier.fingerprint != request.fingerprint:
        raise KeyReused
    return replayed(earlier)


def replayed(earlier: StoredResponse) -> StoredResponse:
    """The first response, marked as a replay where the body says so."""
    body = {**earlier.body, "replayed": True} if "replayed" in earlier.body else earlier.body
    return StoredResponse(earlier.fingerprint, earlier.status, body)
