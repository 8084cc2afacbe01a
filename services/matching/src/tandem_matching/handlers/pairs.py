"""Pair commands: end a pair, and ending many at once (withdrawal, closing, rematch)."""

from __future__ import annotations

import asyncpg

from tandem_events.catalog.matching import PairCreated
from tandem_events.store import AppendResult
from tandem_matching.domain import pair as pairs
from tandem_matching.domain.errors import Forbidden
from tandem_matching.domain.pair import Pair, apply_pair, pair_stream
from tandem_matching.domain.program import Program
from tandem_matching.domain.rounds import ProposedPair
from tandem_matching.handlers.context import CommandContext, retried


async def load_pair(ctx: CommandContext, pair_id: str) -> tuple[Pair, int]:
    """The pair and its stream version."""
    return await ctx.store.load(pair_stream(pair_id), Pair(), apply_pair)


async def end_pairs(
    ctx: CommandContext,
    conn: asyncpg.Connection,
    program_id: str,
    person_id: str | None,
    reason: str,
    actor: str,
    key: str | None,
) -> list[str]:
    """End the program's active pairs (only those of ``person_id`` when given), in ``conn``."""
    rows = await conn.fetch(
        "SELECT pair_id FROM pair_index WHERE program_id = $1 AND active "
        "AND ($2::text IS NULL OR $2 = ANY(member_ids)) ORDER BY pair_id FOR UPDATE",
        program_id,
        person_id,
    )
    ended = []
    for row in rows:
        state, version = await load_pair(ctx, row["pair_id"])
        events = pairs.end(state, reason=reason, actor=actor, now=ctx.now())
        await ctx.append(conn, pair_stream(state.pair_id), version, events, key)
        await conn.execute("UPDATE pair_index SET active = false WHERE pair_id = $1", state.pair_id)
        ended.append(state.pair_id)
    return ended


@retried
async def end_pair(
    ctx: CommandContext, pair_id: str, reason: str, actor: str, key: str | None
) -> AppendResult:
    """An admin ends a pair with a reason."""
    if done := await ctx.earlier(key):
        return done
    state, version = await load_pair(ctx, pair_id)
    events = pairs.end(state, reason=reason, actor=actor, now=ctx.now())
    async with ctx.transaction() as conn:
        result = await ctx.append(conn, pair_stream(pair_id), version, events, key, primary=True)
        await conn.execute("UPDATE pair_index SET active = false WHERE pair_id = $1", pair_id)
        return result


async def pair_of_member(ctx: CommandContext, pair_id: str, person_id: str) -> tuple[Pair, int]:
    """The pair, if ``person_id`` is one of its members (else Forbidden)."""
    state, version = await load_pair(ctx, pair_id)
    if state.pair_id and person_id not in state.member_ids:
        raise Forbidden("only a member of the pair may do this")
    return state, version


async def record_pair(
    ctx: CommandContext,
    conn: asyncpg.Connection,
    program: Program,
    pair_id: str,
    pair: ProposedPair,
    actor: str,
    key: str | None,
    *,
    round_id: str | None = None,
    primary: bool = False,
    override: str | None = None,
) -> AppendResult:
    """Append PairCreated on a new pair stream and index the pair, in ``conn``."""
    created = PairCreated(
        occurred_at=ctx.now(),
        actor_id=actor,
        pair_id=pair_id,
        program_id=program.program_id,
        member_ids=pair.member_ids,
        round_id=round_id,
        score=pair.score,
        reasons=pair.reasons,
        manual=round_id is None,
        override_reason=override,
        suggested_cadence_days=program.suggested_cadence_days,
    )
    result = await ctx.append(conn, pair_stream(pair_id), 0, [created], key, primary=primary)
    await conn.execute(
        "INSERT INTO pair_index (pair_id, program_id, member_ids, active, components) "
        "VALUES ($1, $2, $3, true, $4)",
        pair_id,
        program.program_id,
        list(pair.member_ids),
        pair.components,
    )
    return result
