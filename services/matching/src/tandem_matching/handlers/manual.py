"""Pairs made by hand, checked against the hard constraints; an override is recorded."""

from __future__ import annotations

import itertools
import uuid

from tandem_events.store import AppendResult
from tandem_matching.domain.constraints import violations
from tandem_matching.domain.errors import Conflict
from tandem_matching.domain.rounds import ProposedPair, explain_pair
from tandem_matching.handlers.context import CommandContext, retried
from tandem_matching.handlers.pairs import record_pair
from tandem_matching.handlers.pool import load_pool
from tandem_matching.handlers.programs import load_program


@retried
async def create_pair_by_hand(
    ctx: CommandContext,
    program_id: str,
    member_ids: list[str],
    override_reason: str | None,
    actor: str,
    key: str | None,
) -> tuple[str, ProposedPair | None, AppendResult]:
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
        busy = await conn.fetch(
            "SELECT pair_id FROM pair_index WHERE program_id = $1 AND active"
            " AND member_ids && $2::text[]",
            program_id,
            member_ids,
        )
        if busy:
            raise Conflict("already in an active pair", pairs=[r["pair_id"] for r in busy])
        broken = [
            f"{a.person_id}–{b.person_id}: {v}"
            for a, b in itertools.combinations(found, 2)
            for v in violations(a, b, policy)
        ]
        if broken and not override_reason:
            raise Conflict(
                "the pair breaks hard constraints; give an override reason", violations=broken
            )
        by_id = {c.person_id: c for c in found}
        pair = explain_pair([by_id[m] for m in member_ids], policy)
        pair_id = uuid.uuid4().hex
        result = await record_pair(
            ctx,
            conn,
            program,
            pair_id,
            pair,
            actor,
            key,
            primary=True,
            override=override_reason if broken else None,
        )
        return pair_id, pair, result
