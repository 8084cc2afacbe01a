"""The engagement read models, fed by engagement.events as one projection.

Each projection has its own consumer: it fetches and decodes every record, and commits a
transaction per batch with its claims and offsets. Three views of the same topic paid that
three times per check-in (plus the broker's fetches for three consumer groups) while only
one of them wrote anything for most events. Fed as one, the three share a consumer, a decode
and a transaction, and stay in step: rebuilt together, one lag, one progress (ADR 0034).

Order matters. The timeline and the health summary raise ``WaitFor`` for a pair they have
not seen, before writing anything; the workspace view, whose counters are not idempotent,
comes last, so an event parked for later was not half-applied now.

A batch goes view after view, its writes queued per table (``TableOrder``, ADR 0042): each
view reads and writes only its own tables, so the order across views does not matter, and
the batch's writes leave in a few round trips. An event early for its pair fails the batch,
which the runner then redoes event by event through ``apply`` (parking that one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import asyncpg

from tandem_engagement.projections.program_health import ProgramHealth
from tandem_engagement.projections.table_order import TableOrder
from tandem_engagement.projections.timeline import Timeline
from tandem_engagement.projections.workspaces import Workspaces
from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.projection import Projection, ProjectionContext, WaitFor


class EarlyInBatch(Exception):
    """An event of the batch came before its pair's opening: redo the batch event by event."""


class EngagementViews:
    """The timeline, the program health summary and the workspace views, in that order."""

    name = "engagement_views"
    topics: Sequence[str] = ("engagement.events",)

    def __init__(self) -> None:
        self.parts: tuple[Projection, ...] = (Timeline(), ProgramHealth(), Workspaces())
        self.tables: Sequence[str] = tuple(t for part in self.parts for t in part.tables)

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Apply the event to each view, in order."""
        for part in self.parts:
            await part.apply(ctx, event, envelope)

    async def apply_batch(
        self, ctx: ProjectionContext, items: Sequence[tuple[DomainEvent, Envelope]]
    ) -> None:
        """Apply the batch view after view, its writes queued per table."""
        order = TableOrder(ctx.conn)
        queued = ProjectionContext(cast(asyncpg.Connection, order), ctx.table_names)
        try:
            for part in self.parts:
                for event, envelope in items:
                    await part.apply(queued, event, envelope)
        except WaitFor as wait:
            raise EarlyInBatch(wait.what) from wait
        await order.flush()
