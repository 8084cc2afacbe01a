"""Rematch requests: the pair ends now; the next round gives both members someone new."""

from __future__ import annotations

from dataclasses import dataclass

from tandem_events.catalog.matching import RematchRequested
from tandem_matching.domain import pair as pairs
from tandem_matching.domain import participant as participants
from tandem_matching.domain.errors import Conflict, NotFound
from tandem_matching.domain.pair import pair_stream
from tandem_matching.domain.participant import person_stream
from tandem_matching.handlers.context import Context
from tandem_matching.handlers.enrolment import load_participant
from tandem_matching.handlers.pairs import pair_of_member
from tandem_service.commands import Appended


@dataclass(frozen=True)
class RequestRematch:
    """A member asks for new partners."""

    person_id: str
    pair_id: str
    reason: str


async def request_rematch(ctx: Context, command: RequestRematch) -> Appended:
    """The pair ends now; the next round answers."""
    pair, pair_version = await pair_of_member(ctx, command.pair_id, command.person_id)
    if not pair.pair_id:
        raise NotFound(f"no pair {command.pair_id}")
    if not pair.active:
        raise Conflict(f"pair {command.pair_id} has already ended")
    state, version = await load_participant(ctx, command.person_id)
    requested = RematchRequested(
        occurred_at=ctx.now(),
        actor_id=command.person_id,
        program_id=pair.program_id,
        person_id=command.person_id,
        pair_id=command.pair_id,
        reason=command.reason,
    )
    events = participants.request_rematch(state, requested)
    ended = pairs.end(pair, reason="rematch", actor=command.person_id, now=ctx.now())
    async with ctx.transaction() as tx:
        result = await tx.append(person_stream(command.person_id), version, events)
        await tx.append(pair_stream(command.pair_id), pair_version, ended)
        await tx.tables.deactivate_pair(command.pair_id)
        await tx.tables.mark_rematch(pair.program_id, pair.member_ids, wanted=True)
        return result
