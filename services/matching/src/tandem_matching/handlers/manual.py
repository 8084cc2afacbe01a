"""Pairs made by hand, checked against the hard constraints; an override is recorded."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass

from tandem_matching.domain.constraints import violations
from tandem_matching.domain.errors import Conflict, Invalid
from tandem_matching.domain.rounds import ProposedPair, explain_pair
from tandem_matching.handlers.context import Context
from tandem_matching.handlers.pairs import record_pair
from tandem_matching.handlers.pool import load_pool
from tandem_matching.handlers.programs import load_program
from tandem_service.commands import Appended


@dataclass(frozen=True)
class PairByHand:
    """Pair people by hand; breaking a hard constraint needs an override reason."""

    actor: str
    program_id: str
    member_ids: tuple[str, ...]
    override_reason: str | None = None


@dataclass(frozen=True)
class PairMade:
    """The new pair's id, how it scores, and what was appended."""

    pair_id: str
    pair: ProposedPair
    result: Appended


async def create_pair_by_hand(ctx: Context, command: PairByHand) -> PairMade:
    """Check the members (distinct, still here, enrolled) and the constraints, then record."""
    if len(set(command.member_ids)) != len(command.member_ids):
        raise Invalid(("body", "member_ids"), "a pair needs different people")
    program, _ = await load_program(ctx, command.program_id)
    program.check_running()
    policy = program.scoring_policy()
    member_ids = list(command.member_ids)
    async with ctx.transaction() as tx:
        found = await load_pool(tx.tables, program.program_id, only=member_ids, include_busy=True)
        missing = sorted(set(member_ids) - {c.person_id for c in found})
        departed = [p for p in member_ids if (e := await tx.tables.person(p)) and e.departed_on]
        if departed:
            raise Conflict("left the organisation", departed=departed)
        if missing:
            raise Conflict("not enrolled in this program", not_enrolled=missing)
        busy = await tx.tables.busy_pairs(program.program_id, member_ids)
        if busy:
            raise Conflict("already in an active pair", pairs=busy)
        broken = [
            f"{a.person_id}–{b.person_id}: {v}"
            for a, b in itertools.combinations(found, 2)
            for v in violations(a, b, policy)
        ]
        if broken and not command.override_reason:
            raise Conflict(
                "the pair breaks hard constraints; give an override reason", violations=broken
            )
        by_id = {c.person_id: c for c in found}
        pair = explain_pair([by_id[m] for m in member_ids], policy)
        pair_id = uuid.uuid4().hex
        override = command.override_reason if broken else None
        result = await record_pair(
            ctx, tx, program, pair_id, pair, command.actor, override=override
        )
        return PairMade(pair_id, pair, result)
