"""Self-match: a participant browses suggested peers, asks one; the peer accepts or declines."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from tandem_matching.api.deps import Commands
from tandem_matching.api.openapi_docs import AUTH
from tandem_matching.handlers import self_match as handlers
from tandem_service.api import CommandAccepted, IdempotencyKey, Participant, run
from tandem_service.commands import CommandRequest

router = APIRouter(tags=["self-match"], responses=AUTH)
REFUSALS: dict[int | str, dict[str, str]] = {
    403: {"description": "Not a participant (or, answering, not the asked peer)"},
    404: {"description": "No such program or request"},
    409: {
        "description": "Self-match is off, someone is busy, not enrolled or gone, the rules "
        "keep the two apart, a request is open, or the request was answered or expired"
    },
    422: {"description": "Bad field (asking yourself)"},
}


class PeerSuggestion(BaseModel):
    """A peer you may ask: what a pair of you would score and why; nothing private."""

    person_id: str
    name: str
    department: str
    score: float
    reasons: list[str]


class PeerAsk(BaseModel):
    """Whom you ask, and a short note to them."""

    model_config = ConfigDict(extra="forbid")

    peer_id: str = Field(min_length=1, max_length=128)
    note: str = Field(default="", max_length=500)


class PeerRequestPublic(BaseModel):
    """A request you sent or received."""

    request_id: str
    requester_id: str
    peer_id: str
    status: str = Field(description="pending, accepted, declined or expired")
    expires_at: datetime
    note: str


class PeerRequestDone(CommandAccepted):
    """A recorded request or answer; an acceptance names the new pair."""

    expires_at: datetime | None = None
    pair_id: str | None = None


def _done(done: handlers.RequestDone) -> PeerRequestDone:
    answer = PeerRequestDone.of(done.result, done.request_id)
    return answer.model_copy(update={"expires_at": done.expires_at, "pair_id": done.pair_id})


@router.get(
    "/programs/{program_id}/peers",
    response_model=list[PeerSuggestion],
    responses={k: v for k, v in REFUSALS.items() if k != 422},
    description="Needs participant; you must be enrolled and not in an active pair.",
)
async def suggested_peers(
    program_id: str,
    caller: Participant,
    commands: Commands,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> list[dict[str, object]]:
    """The peers you may ask, best scores first, with the reasons a pair would be good."""
    found = await handlers.suggestions(commands, program_id, caller.subject, limit)
    return [asdict(s) for s in found]


@router.post(
    "/programs/{program_id}/peer-requests",
    status_code=status.HTTP_201_CREATED,
    response_model=PeerRequestDone,
    responses=REFUSALS,
    description="Needs participant. The request expires after 7 days.",
)
async def ask(
    program_id: str, body: PeerAsk, caller: Participant, commands: Commands, command: IdempotencyKey
) -> JSONResponse:
    """Ask a peer to pair with you."""
    asking = handlers.AskPeer(caller.subject, program_id, body.peer_id, body.note)
    return await run(commands, command, lambda c: handlers.ask_peer(c, asking), _done)


@router.get(
    "/programs/{program_id}/peer-requests",
    response_model=list[PeerRequestPublic],
    responses={403: REFUSALS[403], 404: REFUSALS[404]},
    description="Needs participant: only your own requests, sent and received.",
)
async def my_requests(
    program_id: str, caller: Participant, commands: Commands
) -> list[dict[str, object]]:
    """The requests you sent and received in the program, latest expiry first."""
    return [asdict(r) for r in await handlers.requests_of(commands, program_id, caller.subject)]


ANSWER_REFUSALS = {k: v for k, v in REFUSALS.items() if k != 422}
ANSWERER = "Needs participant: the asked peer only, before the request expires."


@router.post(
    "/peer-requests/{request_id}/accept",
    response_model=PeerRequestDone,
    responses=ANSWER_REFUSALS,
    description=ANSWERER,
)
async def accept(
    request_id: str, caller: Participant, commands: Commands, command: IdempotencyKey
) -> JSONResponse:
    """Accept: you two become a pair (PairCreated, origin self_match)."""
    return await _answer(request_id, caller.subject, commands, command, accept=True)


@router.post(
    "/peer-requests/{request_id}/decline",
    response_model=PeerRequestDone,
    responses=ANSWER_REFUSALS,
    description=ANSWERER,
)
async def decline(
    request_id: str, caller: Participant, commands: Commands, command: IdempotencyKey
) -> JSONResponse:
    """Decline the request."""
    return await _answer(request_id, caller.subject, commands, command, accept=False)


async def _answer(
    request_id: str, actor: str, commands: Commands, command: CommandRequest, *, accept: bool
) -> JSONResponse:
    answering = handlers.AnswerRequest(actor, request_id, accept)
    return await run(commands, command, lambda c: handlers.answer_request(c, answering), _done)
