"""Proposing, countering and agreeing the pair's cadence."""

from __future__ import annotations

from dataclasses import dataclass

from tandem_engagement.domain import cadence
from tandem_engagement.domain.workspace import CadenceTerms
from tandem_engagement.handlers.context import Context, commit
from tandem_service.commands import Appended


@dataclass(frozen=True)
class ProposeCadence:
    """A member proposes (or counters with) cadence terms."""

    actor: str
    pair_id: str
    proposal_id: str
    terms: CadenceTerms


@dataclass(frozen=True)
class AgreeCadence:
    """A member agrees to the partner's pending proposal."""

    actor: str
    pair_id: str
    proposal_id: str


async def propose_cadence(ctx: Context, command: ProposeCadence) -> Appended:
    """Record a proposal (a counter when the partner's is pending)."""
    async with ctx.transaction() as tx:
        state, version = await tx.tables.load_workspace(command.pair_id)
        now = ctx.now()
        events = cadence.propose(
            state, command.terms, proposal_id=command.proposal_id, actor=command.actor, now=now
        )
        return await commit(tx, state, version, events, now)


async def agree_cadence(ctx: Context, command: AgreeCadence) -> Appended:
    """Agree: from now on this cadence drives reminders and health."""
    async with ctx.transaction() as tx:
        state, version = await tx.tables.load_workspace(command.pair_id)
        now = ctx.now()
        events = cadence.agree(state, proposal_id=command.proposal_id, actor=command.actor, now=now)
        return await commit(tx, state, version, events, now)
