"""The program's health summary: how many of its pairs are in each state."""

from __future__ import annotations

from collections.abc import Sequence

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import PairHealthChanged, WorkspaceClosed, WorkspaceOpened
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext, WaitFor

_COUNT = (
    "INSERT INTO {summary} (program_id, health, pairs) VALUES ($1, $2, $3) "
    "ON CONFLICT (program_id, health) DO UPDATE SET pairs = {summary}.pairs + $3"
)


class ProgramHealth:
    """``program_health_view``: open pairs per program and state."""

    name = "engagement_program_health"
    topics: Sequence[str] = ("engagement.events",)
    tables: Sequence[str] = ("program_health_view", "program_health_pairs")

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Move a pair between states (or out, once closed)."""
        pairs = ctx.table("program_health_pairs")
        count = _COUNT.format(summary=ctx.table("program_health_view"))
        if isinstance(event, WorkspaceOpened):
            await ctx.conn.execute(
                f"INSERT INTO {pairs} (pair_id, program_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                event.pair_id,
                event.program_id,
            )
            return
        if not isinstance(event, PairHealthChanged | WorkspaceClosed):
            return
        row = await ctx.conn.fetchrow(
            f"SELECT program_id, health FROM {pairs} WHERE pair_id = $1", event.pair_id
        )
        if row is None:
            raise WaitFor(f"WorkspaceOpened {event.pair_id}")
        if row["health"] is not None:
            await ctx.conn.execute(count, row["program_id"], row["health"], -1)
        current = event.current if isinstance(event, PairHealthChanged) else None
        if current is not None:
            await ctx.conn.execute(count, row["program_id"], current, 1)
        await ctx.conn.execute(
            f"UPDATE {pairs} SET health = $2 WHERE pair_id = $1", event.pair_id, current
        )
