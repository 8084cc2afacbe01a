"""The engagement handlers' context: the kit's command context over engagement's tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tandem_engagement.domain.folding import fold
from tandem_engagement.domain.health import next_review
from tandem_engagement.domain.workspace import Workspace, workspace_stream
from tandem_engagement.handlers.follow_ups import with_follow_ups
from tandem_engagement.handlers.tables import EngagementTables
from tandem_events.catalog.base import DomainEvent
from tandem_service.commands import Appended, CommandContext, Transaction

Context = CommandContext[EngagementTables]
Tx = Transaction[EngagementTables]


async def load_workspace(ctx: Context, pair_id: str) -> tuple[Workspace, int]:
    """The pair's workspace and its stream version."""
    return await ctx.load(workspace_stream(pair_id), Workspace(), fold)


async def commit(
    tx: Tx, state: Workspace, version: int, decided: Sequence[DomainEvent], now: datetime
) -> Appended:
    """Append the decision with its follow-ups and move the pair's next health review."""
    after, events = with_follow_ups(state, decided, now)
    result = await tx.append(workspace_stream(after.pair_id), version, events)
    await tx.tables.schedule_review(after.pair_id, next_review(after, now))
    return result
