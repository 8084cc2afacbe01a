"""Match rounds (preview, commit) and pairs made by hand, checked against the constraints."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from tandem_events.catalog.matching import MatchRoundCompleted
from tandem_events.store import AppendResult
from tandem_matching.domain.program import program_stream
from tandem_matching.domain.rounds import RoundPlan, plan_round
from tandem_matching.handlers.context import CommandContext, retried
from tandem_matching.handlers.pairs import record_pair
from tandem_matching.handlers.pool import load_pool
from tandem_matching.handlers.programs import load_program


@dataclass(frozen=True)
class CommittedRound:
    """A committed round: its id, the pair ids in plan order, and the plan."""

    round_id: str
    pair_ids: list[str]
    plan: RoundPlan | None
    result: AppendResult


async def preview_round(ctx: CommandContext, program_id: str) -> RoundPlan:
    """What a round would propose now; nothing is recorded or published."""
    program, _ = await load_program(ctx, program_id)
    program.require_open()
    async with ctx.pool.acquire() as conn:
        pool = await load_pool(conn, program_id)
    return await asyncio.to_thread(plan_round, pool, program.scoring_policy())


@retried
async def commit_round(
    ctx: CommandContext, program_id: str, actor: str, key: str | None
) -> CommittedRound:
    """Run a round and record it: MatchRoundCompleted, then PairCreated for each pair."""
    if done := await ctx.earlier(key):
        return CommittedRound(await _round_id_at(ctx, done), [], None, done)
    program, version = await load_program(ctx, program_id)
    program.require_open()
    async with ctx.transaction() as conn:
        # Lock the roster so that a withdrawal cannot slip between planning and recording.
        await conn.execute("SELECT 1 FROM enrolments WHERE program_id = $1 FOR UPDATE", program_id)
        pool = await load_pool(conn, program_id)
        plan = await asyncio.to_thread(plan_round, pool, program.scoring_policy())
        round_id = uuid.uuid4().hex
        pair_ids = [uuid.uuid4().hex for _ in plan.pairs]
        done = MatchRoundCompleted(
            occurred_at=ctx.now(),
            actor_id=actor,
            program_id=program_id,
            round_id=round_id,
            pair_ids=tuple(pair_ids),
            unmatched=plan.unmatched,
            total_score=plan.total_score,
            exact=plan.exact,
        )
        result = await ctx.append(
            conn, program_stream(program_id), version, [done], key, primary=True
        )
        for pair_id, pair in zip(pair_ids, plan.pairs, strict=True):
            await record_pair(ctx, conn, program, pair_id, pair, actor, key, round_id=round_id)
        matched = [m for p in plan.pairs for m in p.member_ids]
        await conn.execute(
            "UPDATE enrolments SET rematch_requested = false "
            "WHERE program_id = $1 AND person_id = ANY($2::text[])",
            program_id,
            matched,
        )
        return CommittedRound(round_id, pair_ids, plan, result)


async def _round_id_at(ctx: CommandContext, done: AppendResult) -> str:
    events = await ctx.store.read_stream(done.stream_id, after_version=done.version - 1)
    event = events[0].event() if events else None
    return event.round_id if isinstance(event, MatchRoundCompleted) else ""
