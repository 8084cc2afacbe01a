"""The idempotent runner, in memory: a key is scoped to (caller, operation) and bound to its
request; a replay gets the first response."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from tandem_service.commands import CommandContext, CommandRequest, run_command
from tandem_service.errors import KeyReused
from tandem_testkit.memory import InMemoryStreams


class Counted(BaseModel):
    """The test command's answer."""

    count: int
    replayed: bool = False


def request(
    caller: str = "admin-1", operation: str = "POST /count", body: str = "a"
) -> CommandRequest:
    return CommandRequest(caller, operation, "k-123", f"hash-{body}", 201)


@pytest.fixture
def streams() -> InMemoryStreams:
    return InMemoryStreams()


async def count(
    streams: InMemoryStreams, ctx: CommandContext[None], req: CommandRequest
) -> dict[str, object]:
    async def handle(c: CommandContext[None]) -> int:
        _, version = await c.load("counter", 0, lambda n, _: n + 1)
        async with c.transaction() as tx:
            await tx.append("counter", version, ["tick"])
        return version + 1

    response = await run_command(ctx, req, handle, lambda n: Counted(count=n))
    assert response.status == 201
    return response.body


async def test_a_replay_returns_the_first_response_and_appends_nothing(
    streams: InMemoryStreams,
) -> None:
    ctx = CommandContext.in_memory(streams, None)
    first = await count(streams, ctx, request())
    again = await count(streams, ctx, request())
    assert first == {"count": 1, "replayed": False}
    assert again == {"count": 1, "replayed": True}
    assert streams.events("counter") == ["tick"]


async def test_another_caller_with_the_same_key_runs_its_own_command(
    streams: InMemoryStreams,
) -> None:
    ctx = CommandContext.in_memory(streams, None)
    await count(streams, ctx, request(caller="admin-1"))
    other = await count(streams, ctx, request(caller="ana"))
    assert other == {"count": 2, "replayed": False}


async def test_another_operation_with_the_same_key_runs_its_own_command(
    streams: InMemoryStreams,
) -> None:
    ctx = CommandContext.in_memory(streams, None)
    await count(streams, ctx, request(operation="POST /count"))
    other = await count(streams, ctx, request(operation="POST /other"))
    assert other == {"count": 2, "replayed": False}


async def test_the_same_key_with_a_different_request_is_refused(streams: InMemoryStreams) -> None:
    ctx = CommandContext.in_memory(streams, None)
    await count(streams, ctx, request(body="a"))
    with pytest.raises(KeyReused) as refused:
        await count(streams, ctx, request(body="b"))
    assert refused.value.status == 422
    assert refused.value.location == ("header", "Idempotency-Key")
    assert streams.events("counter") == ["tick"]


async def test_without_a_key_every_call_runs(streams: InMemoryStreams) -> None:
    ctx = CommandContext.in_memory(streams, None)
    bare = CommandRequest("admin-1", "POST /count", None, "hash-a", 201)
    await count(streams, ctx, bare)
    assert await count(streams, ctx, bare) == {"count": 2, "replayed": False}
