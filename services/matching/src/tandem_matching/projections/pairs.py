"""Read model of pairs: members, score, reasons, status."""

from __future__ import annotations

from collections.abc import Sequence

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import PairCreated, PairEnded
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext, WaitFor


class Pairs:
    """``pair_view``: one row per pair, from PairCreated and PairEnded."""

    name = "matching_pairs"
    topics: Sequence[str] = ("matching.events",)
    tables: Sequence[str] = ("pair_view",)

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Fold one event into the pairs."""
        pairs = ctx.table("pair_view")
        if isinstance(event, PairCreated):
            await ctx.conn.execute(
                f"INSERT INTO {pairs} (pair_id, program_id, member_ids, round_id, score, reasons,"
                " manual, override_reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                " ON CONFLICT (pair_id) DO NOTHING",
                event.pair_id,
                event.program_id,
                list(event.member_ids),
                event.round_id,
                event.score,
                list(event.reasons),
                event.manual,
                event.override_reason,
                event.occurred_at,
            )
        elif isinstance(event, PairEnded):
            ended = await ctx.conn.fetchval(
                f"UPDATE {pairs} SET status = 'ended', end_reason = $2, ended_at = $3"
                " WHERE pair_id = $1 RETURNING 1",
                event.pair_id,
                event.reason,
                event.occurred_at,
            )
            if ended is None:
                raise WaitFor(f"PairCreated {event.pair_id}")
