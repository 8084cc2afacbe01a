"""New pairs: PairCreated on a fresh stream each, and the write-side index of who is busy."""

from __future__ import annotations

from tandem_events.catalog.matching import PairCreated
from tandem_matching.domain.pair import pair_stream
from tandem_matching.domain.program import Program
from tandem_matching.domain.rounds import ProposedPair
from tandem_matching.handlers.context import Context, Tx
from tandem_matching.handlers.tables import PairEntry
from tandem_service.commands import Appended


async def record_pair(
    ctx: Context,
    tx: Tx,
    program: Program,
    pair_id: str,
    pair: ProposedPair,
    actor: str,
    *,
    override: str | None = None,
    request_id: str | None = None,
) -> Appended:
    """Append PairCreated on a new pair stream and index the pair, in ``tx``."""
    created = pair_created(ctx, program, pair_id, pair, actor, None, override, request_id)
    result = await tx.append(pair_stream(pair_id), 0, [created])
    await tx.tables.index_pairs(program.program_id, [_entry(pair_id, pair)])
    return result


async def record_round_pairs(
    ctx: Context,
    tx: Tx,
    program: Program,
    pairs: dict[str, ProposedPair],
    *,
    actor: str,
    round_id: str,
) -> None:
    """A round's pairs (by pair id), all appended and indexed at once, in ``tx``."""
    await tx.append_streams(
        [
            (pair_stream(pid), 0, [pair_created(ctx, program, pid, p, actor, round_id)])
            for pid, p in pairs.items()
        ]
    )
    await tx.tables.index_pairs(program.program_id, [_entry(pid, p) for pid, p in pairs.items()])


def pair_created(
    ctx: Context,
    program: Program,
    pair_id: str,
    pair: ProposedPair,
    actor: str,
    round_id: str | None,
    override: str | None = None,
    request_id: str | None = None,
) -> PairCreated:
    """The event of a new pair: from a round, a self-match request, or made by hand."""
    return PairCreated(
        occurred_at=ctx.now(),
        actor_id=actor,
        pair_id=pair_id,
        program_id=program.program_id,
        member_ids=pair.member_ids,
        round_id=round_id,
        score=pair.score,
        reasons=pair.reasons,
        manual=round_id is None and request_id is None,
        override_reason=override,
        suggested_cadence_days=program.suggested_cadence_days,
        origin="round" if round_id else "self_match" if request_id else "manual",
        request_id=request_id,
    )


def _entry(pair_id: str, pair: ProposedPair) -> PairEntry:
    return PairEntry(pair_id, pair.member_ids, pair.components)
