"""Pair commands: end a pair, and ending many at once (withdrawal, closing, rematch)."""

from __future__ import annotations

from dataclasses import dataclass

from tandem_matching.domain import pair as pairs
from tandem_matching.domain.errors import Forbidden
from tandem_matching.domain.pair import Pair, apply_pair, pair_stream
from tandem_matching.handlers.context import Context, Tx
from tandem_service.commands import Appended


@dataclass(frozen=True)
class EndPair:
    """An admin ends a pair with a reason."""

    actor: str
    pair_id: str
    reason: str


async def load_pair(ctx: Context, pair_id: str) -> tuple[Pair, int]:
    """The pair and its stream version."""
    return await ctx.load(pair_stream(pair_id), Pair(), apply_pair)


async def end_pairs(
    ctx: Context, tx: Tx, program_id: str, person_id: str | None, reason: str, actor: str
) -> list[str]:
    """End the program's active pairs (only those of ``person_id`` when given), in ``tx``."""
    ended = []
    for pair_id in await tx.tables.active_pairs(program_id, person_id):
        state, version = await load_pair(ctx, pair_id)
        await tx.append(
            pair_stream(pair_id),
            version,
            pairs.end(state, reason=reason, actor=actor, now=ctx.now()),
        )
        await tx.tables.deactivate_pair(pair_id)
        ended.append(pair_id)
    return ended


async def end_pair(ctx: Context, command: EndPair) -> Appended:
    """End one pair."""
    state, version = await load_pair(ctx, command.pair_id)
    events = pairs.end(state, reason=command.reason, actor=command.actor, now=ctx.now())
    async with ctx.transaction() as tx:
        result = await tx.append(pair_stream(command.pair_id), version, events)
        await tx.tables.deactivate_pair(command.pair_id)
        return result


async def pair_of_member(ctx: Context, pair_id: str, person_id: str) -> tuple[Pair, int]:
    """The pair, if ``person_id`` is one of its members (else Forbidden)."""
    state, version = await load_pair(ctx, pair_id)
    if state.pair_id and person_id not in state.member_ids:
        raise Forbidden("only a member of the pair may do this")
    return state, version
