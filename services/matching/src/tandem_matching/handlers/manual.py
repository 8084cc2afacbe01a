"""Pairs made by hand, checked against the hard constraints; an override is recorded."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tandem_matching.domain.errors import Conflict, Invalid
from tandem_matching.domain.rounds import ProposedPair, explain_pair
from tandem_matching.handlers.context import Context
from tandem_matching.handlers.members import broken_constraints, free_members
from tandem_matching.handlers.new_pairs import record_pair
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
        members = await free_members(tx.tables, program, member_ids)
        broken = broken_constraints(members, program)
        if broken and not command.override_reason:
            raise Conflict(
                "the pair breaks hard constraints; give an override reason", violations=broken
            )
        pair = explain_pair(members, policy)
        pair_id = uuid.uuid4().hex
        override = command.override_reason if broken else None
        result = await record_pair(
            ctx, tx, program, pair_id, pair, command.actor, override=override
        )
        return PairMade(pair_id, pair, result)
