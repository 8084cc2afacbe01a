"""Match rounds (preview, commit) and pairs made by hand, checked against the constraints."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from dataclasses import dataclass

import asyncpg
from tandem_events.catalog.matching import MatchRoundCompleted, PairCreated
from tandem_events.store import AppendResult

from tandem_matching.domain.constraints import violations
from tandem_matching.domain.errors import Conflict
from tandem_matching.domain.pair import pair_stream
from tandem_matching.domain.program import Program, program_stream
from tandem_matching.domain.rounds import ProposedPair, RoundPlan, explain_pair, plan_round
from tandem_matching.handlers.context import CommandContext, retried
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
async def commit_round(ctx: CommandContext, program_id: str, actor: str,
                       key: str | None) -> CommittedRound:
    """Run a round and record it: MatchRoundCompleted, then PairCreated for each pair."""
    if done := await ctx.earlier(key):
        return CommittedRound(await _round_id_at(ctx, done), [], None, done)
    program, version = await load_program(ctx, program_id)
    program.require_open()
    async with ctx.transaction() as conn:
        # Lock the roster so that a withdrawal cannot slip between planning and recording.
        await conn.execute("SELECT 1 FROM enrolments WHERE program_id = $1 FOR UPDATE",
                           program_id)
        pool = await load_pool(conn, program_id)
        plan = await asyncio.to_thread(plan_round, pool, program.scoring_policy())
        round_id = uuid.uuid4().hex
        pair_ids = [uuid.uuid4().hex for _ in plan.pairs]
        done = MatchRoundCompleted(
            occurred_at=ctx.now(), actor_id=actor, program_id=program_id, round_id=round_id,
            pair_ids=tuple(pair_ids), unmatched=plan.unmatched, total_score=plan.total_score,
            exact=plan.exact)
        result = await ctx.append(conn, program_stream(program_id), version, [done], key,
                                  primary=True)
        for pair_id, pair in zip(pair_ids, plan.pairs, strict=True):
            await _create_pair(ctx, conn, program, pair_id, pair, actor, key, round_id=round_id)
        matched = [m for p in plan.pairs for m in p.member_ids]
        await conn.execute("UPDATE enrolments SET rematch_requested = false "
                           "WHERE program_id = $1 AND person_id = ANY($2::text[])",
                           program_id, matched)
        return CommittedRound(round_id, pair_ids, plan, result)


@retried
async def create_pair_by_hand(ctx: CommandContext, program_id: str, member_ids: list[str],
                              override_reason: str | None, actor: str,
                              key: str | None) -> tuple[str, ProposedPair | None, AppendResult]:
    """Pair people by hand; breaking a hard constraint needs a recorded override reason."""
    if done := await ctx.earlier(key):
        return done.stream_id.removeprefix("pair-"), None, done
    program, _ = await load_program(ctx, program_id)
    program.require_open()
    policy = program.scoring_policy()
    async with ctx.transaction() as conn:
        found = await load_pool(conn, program_id, only=member_ids, include_busy=True)
        missing = sorted(set(member_ids) - {c.person_id for c in found})
        if missing:
            raise Conflict("not enrolled in this program", not_enrolled=missing)
        busy = await conn.fetch("SELECT pair_id FROM pair_index WHERE program_id = $1 AND active"
                                " AND member_ids && $2::text[]", program_id, member_ids)
        if busy:
            raise Conflict("already in an active pair", pairs=[r["pair_id"] for r in busy])
        broken = [f"{a.person_id}–{b.person_id}: {v}" for a, b in itertools.combinations(found, 2)
                  for v in violations(a, b, policy)]
        if broken and not override_reason:
            raise Conflict("the pair breaks hard constraints; give an override reason",
                           violations=broken)
        by_id = {c.person_id: c for c in found}
        pair = explain_pair([by_id[m] for m in member_ids], policy)
        pair_id = uuid.uuid4().hex
        result = await _create_pair(ctx, conn, program, pair_id, pair, actor, key, primary=True,
                                    override=override_reason if broken else None)
        return pair_id, pair, result


async def _create_pair(
    ctx: CommandContext, conn: asyncpg.Connection, program: Program, pair_id: str,
    pair: ProposedPair, actor: str, key: str | None, *, round_id: str | None = None,
    primary: bool = False, override: str | None = None,
) -> AppendResult:
    created = PairCreated(
        occurred_at=ctx.now(), actor_id=actor, pair_id=pair_id, program_id=program.program_id,
        member_ids=pair.member_ids, round_id=round_id, score=pair.score, reasons=pair.reasons,
        manual=round_id is None, override_reason=override,
        suggested_cadence_days=program.suggested_cadence_days)
    result = await ctx.append(conn, pair_stream(pair_id), 0, [created], key, primary=primary)
    await conn.execute(
        "INSERT INTO pair_index (pair_id, program_id, member_ids, active, components) "
        "VALUES ($1, $2, $3, true, $4)", pair_id, program.program_id, list(pair.member_ids),
        pair.components)
    return result


async def _round_id_at(ctx: CommandContext, done: AppendResult) -> str:
    events = await ctx.store.read_stream(done.stream_id, after_version=done.version - 1)
    event = events[0].event() if events else None
    return event.round_id if isinstance(event, MatchRoundCompleted) else ""
