"""A decision together with what it implies: milestones, the health change, the next review."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tandem_engagement.domain.folding import fold_all
from tandem_engagement.domain.health import follow_ups
from tandem_engagement.domain.workspace import Workspace
from tandem_events.catalog.base import DomainEvent


def with_follow_ups(
    state: Workspace, decided: Sequence[DomainEvent], now: datetime
) -> tuple[Workspace, list[DomainEvent]]:
    """The decided events plus the milestones and health change they lead to."""
    after = fold_all(state, decided)
    if not after.pair_id:
        return after, list(decided)
    implied = follow_ups(after, now)
    return fold_all(after, implied), [*decided, *implied]
