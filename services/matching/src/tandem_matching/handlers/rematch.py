"""Rematch requests: the pair ends now; the next round gives both members someone new."""

from __future__ import annotations

from tandem_events.catalog.matching import PairEnded, RematchRequested
from tandem_events.store import AppendResult
from tandem_matching.domain import pair as pairs
from tandem_matching.domain import participant as participants
from tandem_matching.domain.errors import Conflict, NotFound
from tandem_matching.domain.pair import pair_stream
from tandem_matching.domain.participant import person_stream
from tandem_matching.handlers.context import CommandContext, retried
from tandem_matching.handlers.enrolment import load_participant
from tandem_matching.handlers.pairs import pair_of_member


@retried
async def request_rematch(
    ctx: CommandContext, pair_id: str, person_id: str, reason: str, key: str | None
) -> AppendResult:
    """A member asks for new partners: the pair ends now, the next round answers."""
    if done := await ctx.earlier(key):
        return done
    pair, pair_version = await pair_of_member(ctx, pair_id, person_id)
    if not pair.pair_id:
        raise NotFound(f"no pair {pair_id}")
    if not pair.active:
        raise Conflict(f"pair {pair_id} has already ended")
    state, version = await load_participant(ctx, person_id)
    events = participants.request_rematch(
        state,
        RematchRequested(
            occurred_at=ctx.now(),
            actor_id=person_id,
            program_id=pair.program_id,
            person_id=person_id,
            pair_id=pair_id,
            reason=reason,
        ),
    )  # type: ignore[arg-type]
    ended: list[PairEnded] = pairs.end(pair, reason="rematch", actor=person_id, now=ctx.now())  # type: ignore[assignment]
    async with ctx.transaction() as conn:
        result = await ctx.append(
            conn, person_stream(person_id), version, events, key, primary=True
        )
        await ctx.append(conn, pair_stream(pair_id), pair_version, list(ended), key)
        await conn.execute("UPDATE pair_index SET active = false WHERE pair_id = $1", pair_id)
        await conn.execute(
            "UPDATE enrolments SET rematch_requested = true "
            "WHERE program_id = $1 AND person_id = ANY($2::text[])",
            pair.program_id,
            list(pair.member_ids),
        )
        return result
