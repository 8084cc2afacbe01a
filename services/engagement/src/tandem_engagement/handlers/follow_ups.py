"""Appending a decision together with what it implies (milestones, health, the next review)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from tandem_engagement.domain.folding import fold_all
from tandem_engagement.domain.health import follow_ups, next_review
from tandem_engagement.domain.workspace import Workspace, workspace_stream
from tandem_events import timers
from tandem_events.catalog.base import DomainEvent
from tandem_events.store import AppendResult, EventStore

# The timer kind that re-assesses a pair's health (and days-together milestones).
HEALTH_REVIEW = "pair-health"


def with_follow_ups(
    state: Workspace, decided: Sequence[DomainEvent], now: datetime
) -> tuple[Workspace, list[DomainEvent]]:
    """The decided events plus the milestones and health change they lead to."""
    after = fold_all(state, decided)
    if not after.pair_id:
        return after, list(decided)
    implied = follow_ups(after, now)
    return fold_all(after, implied), [*decided, *implied]


async def append_with_follow_ups(
    conn: asyncpg.Connection,
    store: EventStore,
    state: Workspace,
    version: int,
    decided: Sequence[DomainEvent],
    now: datetime,
    idempotency_key: str | None,
) -> AppendResult | None:
    """Append in ``conn``'s transaction and reschedule the pair's health review; None if no-op."""
    if not decided:
        return None
    after, events = with_follow_ups(state, decided, now)
    result = await store.append(
        workspace_stream(after.pair_id), version, events, idempotency_key=idempotency_key, conn=conn
    )
    if result.replayed:
        return result
    review = next_review(after, now)
    if review is None:
        await timers.cancel(conn, HEALTH_REVIEW, after.pair_id)
    else:
        await timers.schedule(conn, HEALTH_REVIEW, after.pair_id, review)
    return result
