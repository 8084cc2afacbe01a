"""A small projection for exercising runners: check-ins per pair, needing the pair first.

Deliberately not idempotent per event (a check-in adds one), the shape real counters have,
so a doubled effect shows; and order-sensitive (a check-in before its PairCreated waits).
"""

from __future__ import annotations

from pathlib import Path

from tandem_events import STORE_MIGRATIONS
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.catalog.matching import PairCreated
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext, WaitFor

# The runner's bookkeeping tables (offsets, parked events, applied ids) come with the store's.
MIGRATIONS = [STORE_MIGRATIONS, Path(__file__).parent / "pair_activity_migrations"]


class PairActivity:
    """Counts check-ins per pair; a check-in before its PairCreated waits."""

    name = "pair_activity"
    topics = ("matching.events", "engagement.events")
    tables = ("pair_activity",)

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Insert the pair, or add one check-in to it."""
        table = ctx.table("pair_activity")
        if isinstance(event, PairCreated):
            await ctx.conn.execute(
                f"INSERT INTO {table} (pair_id, members) VALUES ($1, $2) "
                "ON CONFLICT (pair_id) DO NOTHING",
                event.pair_id,
                ",".join(event.member_ids),
            )
        elif isinstance(event, CheckInLogged):
            updated = await ctx.conn.fetchval(
                f"UPDATE {table} SET check_ins = check_ins + 1 WHERE pair_id = $1 RETURNING 1",
                event.pair_id,
            )
            if updated is None:
                raise WaitFor(f"PairCreated {event.pair_id}")
