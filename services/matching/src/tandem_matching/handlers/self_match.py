"""Self-match: browse suggested peers, ask one, and the peer's answer (accepting pairs them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from tandem_events.catalog.matching import PeerRequested
from tandem_matching.domain import peer_request as requests
from tandem_matching.domain.errors import Conflict, Invalid
from tandem_matching.domain.peer_request import PeerRequest, apply_request, request_stream
from tandem_matching.domain.program import Program
from tandem_matching.domain.rounds import explain_pair
from tandem_matching.domain.suggestions import Suggestion, suggest_peers
from tandem_matching.handlers.context import Context
from tandem_matching.handlers.members import broken_constraints, free_members
from tandem_matching.handlers.new_pairs import record_pair
from tandem_matching.handlers.pool import load_pool
from tandem_matching.handlers.programs import load_program
from tandem_matching.handlers.tables import PeerRequestRow
from tandem_service.commands import Appended


@dataclass(frozen=True)
class AskPeer:
    """A participant asks a peer to pair with them."""

    actor: str
    program_id: str
    peer_id: str
    note: str = ""


@dataclass(frozen=True)
class AnswerRequest:
    """The asked peer accepts or declines."""

    actor: str
    request_id: str
    accept: bool


@dataclass(frozen=True)
class RequestDone:
    """The request, the pair an acceptance made, and what was appended."""

    request_id: str
    expires_at: datetime | None
    pair_id: str | None
    result: Appended


async def _self_matching(ctx: Context, program_id: str) -> Program:
    program, _ = await load_program(ctx, program_id)
    program.check_running()
    if not program.policy.self_match:
        raise Conflict(f"program {program_id} does not offer self-match")
    return program


async def suggestions(
    ctx: Context, program_id: str, person_id: str, limit: int
) -> list[Suggestion]:
    """Peers ``person_id`` may ask now, best first; 409 if they are not free to pair."""
    program = await _self_matching(ctx, program_id)
    async with ctx.transaction() as tx:
        (me,) = await free_members(tx.tables, program, [person_id])
        others = await load_pool(tx.tables, program_id)
    return suggest_peers(me, others, program.scoring_policy(), limit)


async def ask_peer(ctx: Context, command: AskPeer) -> RequestDone:
    """Record the request if both are free, may meet, and no request between them is open."""
    if command.peer_id == command.actor:
        raise Invalid(("body", "peer_id"), "you cannot ask yourself")
    program = await _self_matching(ctx, command.program_id)
    now = ctx.now()
    async with ctx.transaction() as tx:
        members = await free_members(tx.tables, program, [command.actor, command.peer_id])
        broken = broken_constraints(members, program)
        if broken:
            raise Conflict("the program's rules keep you two apart", violations=broken)
        pair = {command.actor, command.peer_id}
        for open_ in await tx.tables.peer_requests(program.program_id, [command.actor]):
            if {open_.requester_id, open_.peer_id} == pair and _pending(open_, now):
                raise Conflict("a request between you two is open", request_id=open_.request_id)
        request_id = uuid.uuid4().hex
        asked = PeerRequested(
            occurred_at=now,
            actor_id=command.actor,
            request_id=request_id,
            program_id=program.program_id,
            requester_id=command.actor,
            peer_id=command.peer_id,
            expires_at=now + requests.REQUEST_LIFETIME,
            note=command.note,
        )
        result = await tx.append(request_stream(request_id), 0, [asked])
        await tx.tables.save_peer_request(
            PeerRequestRow(
                request_id,
                program.program_id,
                command.actor,
                command.peer_id,
                "pending",
                asked.expires_at,
                command.note,
            )
        )
        return RequestDone(request_id, asked.expires_at, None, result)


async def answer_request(ctx: Context, command: AnswerRequest) -> RequestDone:
    """Decline, or accept: the pair is made (origin self_match) if both may still pair."""
    state, version = await ctx.load(
        request_stream(command.request_id), PeerRequest(), apply_request
    )
    state.check_answerable(command.actor, ctx.now())
    program = await _self_matching(ctx, state.program_id) if command.accept else None
    pair_id = uuid.uuid4().hex if program is not None else None
    events = requests.answer(
        state, accepted=command.accept, pair_id=pair_id, actor=command.actor, now=ctx.now()
    )
    async with ctx.transaction() as tx:
        result = await tx.append(request_stream(command.request_id), version, events)
        status = "accepted" if command.accept else "declined"
        row = PeerRequestRow(
            state.request_id,
            state.program_id,
            state.requester_id,
            state.peer_id,
            status,
            state.expires_at or ctx.now(),
        )
        await tx.tables.save_peer_request(row)
        if program is not None and pair_id is not None:
            members = await free_members(tx.tables, program, [state.requester_id, state.peer_id])
            broken = broken_constraints(members, program)
            if broken:
                raise Conflict("the program's rules now keep you two apart", violations=broken)
            pair = explain_pair(members, program.scoring_policy())
            await record_pair(
                ctx, tx, program, pair_id, pair, command.actor, request_id=state.request_id
            )
        return RequestDone(state.request_id, state.expires_at, pair_id, result)


async def requests_of(ctx: Context, program_id: str, person_id: str) -> list[PeerRequestRow]:
    """The person's requests in the program, sent and received, with expiry applied."""
    program, _ = await load_program(ctx, program_id)
    program.check_visible(to_manager=False)
    now = ctx.now()
    async with ctx.transaction() as tx:
        rows = await tx.tables.peer_requests(program_id, [person_id])
    return [
        replace(r, status="expired") if r.status == "pending" and not _pending(r, now) else r
        for r in rows
    ]


def _pending(row: PeerRequestRow, now: datetime) -> bool:
    return row.status == "pending" and now < row.expires_at
