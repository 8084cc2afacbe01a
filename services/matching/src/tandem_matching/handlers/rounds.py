"""Match rounds: preview (nothing recorded) and commit."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from tandem_events.catalog.matching import MatchRoundCompleted
from tandem_matching.domain.errors import Conflict
from tandem_matching.domain.program import program_stream
from tandem_matching.domain.rounds import RoundPlan, plan_round
from tandem_matching.handlers.context import Context
from tandem_matching.handlers.pairs import record_pair
from tandem_matching.handlers.pool import load_pool
from tandem_matching.handlers.programs import load_program
from tandem_service.commands import Appended


@dataclass(frozen=True)
class CommitRound:
    """Run a round and record it."""

    actor: str
    program_id: str


@dataclass(frozen=True)
class CommittedRound:
    """A committed round: its id, the pair ids in plan order, and the plan."""

    round_id: str
    pair_ids: list[str]
    plan: RoundPlan
    result: Appended


async def preview_round(ctx: Context, program_id: str) -> RoundPlan:
    """What a round would propose now; nothing is recorded or published."""
    program, _ = await load_program(ctx, program_id)
    program.check_running()
    async with ctx.transaction() as tx:
        pool = await load_pool(tx.tables, program_id)
    return await asyncio.to_thread(plan_round, pool, program.scoring_policy())


async def commit_round(ctx: Context, command: CommitRound) -> CommittedRound:
    """MatchRoundCompleted, then PairCreated for each pair, in one transaction."""
    program_id = command.program_id
    program, version = await load_program(ctx, program_id)
    program.check_running()
    async with ctx.transaction() as tx:
        # Lock the roster so that a withdrawal cannot slip between planning and recording.
        await tx.tables.lock_roster(program_id)
        pool = await load_pool(tx.tables, program_id)
        plan = await asyncio.to_thread(plan_round, pool, program.scoring_policy())
        if not plan.pairs:
            raise Conflict("no pairs to make: a round needs two people who can meet")
        round_id = uuid.uuid4().hex
        pair_ids = [uuid.uuid4().hex for _ in plan.pairs]
        done = MatchRoundCompleted(
            occurred_at=ctx.now(),
            actor_id=command.actor,
            program_id=program_id,
            round_id=round_id,
            pair_ids=tuple(pair_ids),
            unmatched=plan.unmatched,
            total_score=plan.total_score,
            exact=plan.exact,
        )
        result = await tx.append(program_stream(program_id), version, [done])
        for pair_id, pair in zip(pair_ids, plan.pairs, strict=True):
            await record_pair(ctx, tx, program, pair_id, pair, command.actor, round_id=round_id)
        matched = [m for p in plan.pairs for m in p.member_ids]
        await tx.tables.mark_rematch(program_id, matched, wanted=False)
        return CommittedRound(round_id, pair_ids, plan, result)
