"""Each participant's timeline: what happened in their pairs, never what anyone wrote."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import (
    CheckInLogged,
    EngagementEvent,
    FeedbackGiven,
    MilestoneReached,
    PairHealthChanged,
    PulseSubmitted,
    WorkspaceOpened,
)
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext, WaitFor

# Served by the partial index timeline_view_pair_members (engagement_0003).
MEMBERS = "SELECT person_id FROM {table} WHERE pair_id = $1 AND kind = 'WorkspaceOpened'"
# A pair's members never change, so once read they are kept: the lookup was a quarter of the
# worker's CPU under load, and its read split the batch's pipelined writes (ADR 0034). Past
# this many pairs the process forgets them all and reads them again as they come.
KEPT_PAIRS = 100_000


def _detail(event: DomainEvent) -> dict[str, Any]:
    match event:
        case CheckInLogged():
            return {"check_in_id": event.check_in_id, "met_on": event.met_on.isoformat()}
        case MilestoneReached():
            return {"milestone": event.milestone, "count": event.count}
        case PairHealthChanged():
            return {"health": event.current}
    return {}


class Timeline:
    """``timeline_view``: a row per member per event, with ids and kinds only."""

    name = "engagement_timeline"
    topics: Sequence[str] = ("engagement.events",)
    tables: Sequence[str] = ("timeline_view",)

    def __init__(self) -> None:
        self._members: dict[tuple[str, str], list[str]] = {}  # (table, pair) -> members

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Add the event to the timelines of the people it concerns."""
        if not isinstance(event, EngagementEvent):
            return
        table = ctx.table("timeline_view")
        if isinstance(event, WorkspaceOpened):
            people: list[str] = list(event.member_ids)
        else:
            people = await self._members_of(ctx, table, event.pair_id)
        if isinstance(event, PulseSubmitted):
            people = [event.actor_id]  # a pulse is private to its author
        elif isinstance(event, FeedbackGiven):
            people = [event.actor_id, event.to_person_id]
        for person in people:
            await ctx.conn.execute(
                f"INSERT INTO {table} (person_id, event_id, pair_id, occurred_at, kind, detail) "
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                person,
                envelope.id,
                event.pair_id,
                event.occurred_at,
                type(event).__name__,
                _detail(event),
            )

    async def _members_of(self, ctx: ProjectionContext, table: str, pair_id: str) -> list[str]:
        """The pair's members as its opening put them in ``table`` (a rebuild's shadow table
        is another key); ``WaitFor`` the opening if it is not there yet."""
        kept = self._members.get((table, pair_id))
        if kept is not None:
            return kept
        rows = await ctx.conn.fetch(MEMBERS.format(table=table), pair_id)
        if not rows:
            raise WaitFor(f"WorkspaceOpened {pair_id}")
        if len(self._members) >= KEPT_PAIRS:
            self._members.clear()
        members = self._members[(table, pair_id)] = [row["person_id"] for row in rows]
        return members
