"""Commands over HTTP: the Idempotency-Key dependency, the context, running and answering."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Self, TypeVar

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from tandem_service.auth import CurrentCaller
from tandem_service.commands import Appended, CommandContext, CommandRequest, run_command
from tandem_service.commands.request import fingerprint
from tandem_service.commands.runner import run_single_write

R = TypeVar("R")
W = TypeVar("W")


class CommandAccepted(BaseModel):
    """A recorded command: the stream it wrote and its version; ``replayed`` on a retry."""

    stream_id: str
    version: int
    replayed: bool = False
    id: str | None = Field(default=None, description="The id of what was created, if anything.")

    @classmethod
    def of(cls, result: Appended, id: str | None = None) -> Self:
        """The answer to a command that appended ``result``."""
        return cls(stream_id=result.stream_id, version=result.version, id=id)


def accepted(id: str | None = None) -> Callable[[Appended], CommandAccepted]:
    """A ``respond`` for :func:`run`: the appended stream and version, and ``id``."""
    return lambda result: CommandAccepted.of(result, id)


async def command_request(
    request: Request,
    caller: CurrentCaller,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="Send the same key when retrying a command; it will not be applied "
            "twice, and the retry gets the first response. A key is the caller's own, per "
            "operation; sent again with a different request it is refused (422).",
        ),
    ] = None,
) -> CommandRequest:
    """The command this request carries: caller, operation (method and route), key, hash."""
    # The scope's own path and query: ``request.url`` would build and parse the whole URL
    # (host header included) for every command. A retry sends the same bytes, so it hashes
    # alike; latin-1 reads any query bytes (the client's mistake is not ours to 500 on).
    scope = request.scope
    path, query = scope["path"], scope["query_string"].decode("latin-1")
    route = scope.get("route")
    template = getattr(route, "path", path)
    status = getattr(route, "status_code", None) or 200
    body = await request.body()
    digest = fingerprint(request.method, path, query, body)
    return CommandRequest(caller.subject, f"{request.method} {template}", key, digest, status)


IdempotencyKey = Annotated[CommandRequest, Depends(command_request)]


async def command_context(request: Request) -> CommandContext[Any]:
    """The service's command context (set by the bootstrap helper).

    ``async`` though it awaits nothing: FastAPI runs a plain ``def`` dependency in its thread
    pool, a hop (queue, wake-up, GIL hand-over) that every command paid.
    """
    context: CommandContext[Any] = request.app.state.commands
    return context


async def run(
    commands: CommandContext[W],
    request: CommandRequest,
    handle: Callable[[CommandContext[W]], Awaitable[R]],
    respond: Callable[[R], BaseModel],
    *,
    single_write: bool = False,
) -> JSONResponse:
    """Run a command idempotently and answer with its (first) response.

    ``single_write``: the handler writes everything in one statement that carries the
    command record (``Transaction.closing``), so it runs without BEGIN, claim and COMMIT.
    """
    runner = run_single_write if single_write else run_command
    response = await runner(commands, request, handle, respond)
    return JSONResponse(response.body, status_code=response.status)
