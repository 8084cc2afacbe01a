"""The engagement handlers' context: the kit's command context over engagement's tables.

Handlers read the workspace through ``tx.tables`` inside the command's transaction: reading
it through the pool while the transaction holds a connection would take a second connection
per request and, under load, exhaust the pool with requests waiting on each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tandem_engagement.domain.health import next_review
from tandem_engagement.domain.workspace import Workspace
from tandem_engagement.handlers.follow_ups import with_follow_ups
from tandem_engagement.handlers.tables import EngagementTables
from tandem_events.catalog.base import DomainEvent
from tandem_service.commands import Appended, CommandContext, Transaction

Context = CommandContext[EngagementTables]
Tx = Transaction[EngagementTables]


async def commit(
    tx: Tx, state: Workspace, version: int, decided: Sequence[DomainEvent], now: datetime
) -> Appended:
    """Append the decision with its follow-ups; snapshot the workspace and move its review
    (and, for a single-write command, record it), all in one statement."""
    after, events = with_follow_ups(state, decided, now)
    review = next_review(after, now)
    return await tx.tables.append_keeping(after, version, events, review, tx.closing)
