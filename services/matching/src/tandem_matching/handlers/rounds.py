"""Match rounds: preview (kept under a token, nothing published) and commit (that preview, or
a fresh plan)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module

from tandem_matching.domain.errors import Conflict, NotFound, Stale
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.program import Program, program_stream
from tandem_matching.domain.round_options import check_options
from tandem_matching.domain.round_outcome import left_unmatched, round_completed, round_stream
from tandem_matching.domain.round_record import (
    StoredPreview,
    plan_as_json,
    plan_from_json,
    pool_hash,
)
from tandem_matching.domain.rounds import RoundPlan, plan_round
from tandem_matching.handlers.context import Context, Tx
from tandem_matching.handlers.new_pairs import record_round_pairs
from tandem_matching.handlers.pool import load_pool
from tandem_matching.handlers.programs import load_program
from tandem_service.commands import Appended

# The solver loads scipy only for graphs that need it (the CLI stays quick); the service plans
# rounds, so it loads scipy at start-up instead of inside the first preview (0.6 s to 3 s).
import_module("tandem_matching.domain.relaxation")

Pairs = Sequence[Sequence[str]]
# Previews kept per program. Each new preview drops the stale ones (of an older program
# version: they could only be refused) and all but the newest, so the table stays bounded
# while a stale token still gets its clear 412 until the program is previewed again.
KEPT_PREVIEWS = 20


@dataclass(frozen=True)
class PlanRound:
    """Plan a round with some pairs pinned (made as given) and some excluded."""

    program_id: str
    pins: Pairs = ()
    excludes: Pairs = ()


@dataclass(frozen=True)
class CommitRound:
    """Record a round: the preview of ``preview_token`` exactly, or a fresh plan."""

    actor: str
    program_id: str
    preview_token: str | None = None
    pins: Pairs = ()
    excludes: Pairs = ()


@dataclass(frozen=True)
class PreviewedRound:
    """A preview and the token that commits exactly it."""

    token: str
    plan: RoundPlan


@dataclass(frozen=True)
class CommittedRound:
    """A committed round: its id, the pair ids in plan order, and the plan."""

    round_id: str
    pair_ids: list[str]
    plan: RoundPlan
    result: Appended


async def preview_round(ctx: Context, command: PlanRound) -> PreviewedRound:
    """What a round would make now, kept under a token; nothing is published."""
    program, version = await load_program(ctx, command.program_id)
    program.check_running()
    async with ctx.transaction() as tx:
        pool = await load_pool(tx.tables, program.program_id)
        # Hashed in a thread beside the plan's (mostly numpy, which lets go of the interpreter):
        # on two cores the digest then adds next to nothing to the request's time.
        digest, plan = await asyncio.gather(
            asyncio.to_thread(pool_hash, pool),
            _plan(program, pool, command.pins, command.excludes),
        )
        token = uuid.uuid4().hex
        kept = StoredPreview(token, program.program_id, version, digest, plan_as_json(plan))
        await tx.tables.forget_previews(program.program_id, version, KEPT_PREVIEWS - 1)
        await tx.tables.save_preview(kept)
    return PreviewedRound(token, plan)


async def commit_round(ctx: Context, command: CommitRound) -> CommittedRound:
    """MatchRoundCompleted (counts), a PairCreated per pair and a ParticipantLeftUnmatched per
    person left out, in one transaction."""
    program_id = command.program_id
    program, version = await load_program(ctx, program_id)
    program.check_running()
    async with ctx.transaction() as tx:
        # Lock the roster so that a withdrawal cannot slip between planning and recording.
        await tx.tables.lock_roster(program_id)
        pool = await load_pool(tx.tables, program_id)
        if command.preview_token is not None:
            plan = await _previewed(tx, program_id, command.preview_token, version, pool_hash(pool))
        else:
            plan = await _plan(program, pool, command.pins, command.excludes)
        if not plan.pairs:
            raise Conflict("no pairs to make: a round needs two people who can meet")
        round_id = uuid.uuid4().hex
        pair_ids = [uuid.uuid4().hex for _ in plan.pairs]
        now = ctx.now()
        done = round_completed(plan, program_id, round_id, actor=command.actor, now=now)
        result = await tx.append(program_stream(program_id), version, [done])
        alone = left_unmatched(plan, program_id, round_id, actor=command.actor, now=now)
        if alone:
            await tx.append(round_stream(round_id), 0, alone)
        made = dict(zip(pair_ids, plan.pairs, strict=True))
        await record_round_pairs(ctx, tx, program, made, actor=command.actor, round_id=round_id)
        matched = [m for p in plan.pairs for m in p.member_ids]
        await tx.tables.mark_rematch(program_id, matched, wanted=False)
        return CommittedRound(round_id, pair_ids, plan, result)


async def _plan(program: Program, pool: list[Candidate], pins: Pairs, excludes: Pairs) -> RoundPlan:
    policy = program.scoring_policy()
    check_options(pins, excludes, pool, policy)
    return await asyncio.to_thread(plan_round, pool, policy, pins=pins, excludes=excludes)


async def _previewed(
    tx: Tx, program_id: str, token: str, version: int, current_pool: str
) -> RoundPlan:
    """The kept plan, if neither the program nor its pool moved since the preview."""
    kept = await tx.tables.preview(program_id, token)
    if kept is None:
        raise NotFound(f"no preview {token} of program {program_id}")
    if kept.program_version != version:
        raise Stale(
            "the program changed since this preview (a round, an update): preview again",
            previewed_version=kept.program_version,
            current_version=version,
        )
    if kept.pool_hash != current_pool:
        raise Stale(
            "the pool changed since this preview (someone enrolled, left, was paired or "
            "changed their profile): preview again"
        )
    return plan_from_json(kept.plan)
