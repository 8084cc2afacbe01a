"""A workspace opens from matching's PairCreated and closes when the pair ends."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from tandem_engagement.domain.workspace import Workspace
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import WorkspaceClosed, WorkspaceOpened
from tandem_events.catalog.matching import PairCreated

SYSTEM_ACTOR = "engagement"


def open_workspace(
    state: Workspace, created: PairCreated, purpose: str, timezones: dict[str, str]
) -> list[DomainEvent]:
    """Open the pair's workspace, at the time the pair was created; once only."""
    if state.pair_id:
        return []
    return [
        WorkspaceOpened(
            occurred_at=created.occurred_at,
            actor_id=SYSTEM_ACTOR,
            pair_id=created.pair_id,
            program_id=created.program_id,
            member_ids=created.member_ids,
            purpose=purpose,
            timezones={m: timezones.get(m, "UTC") for m in created.member_ids},
            opened_on=created.occurred_at.date(),
        )
    ]


def close_workspace(
    state: Workspace, reason: Literal["pair_ended", "participant_withdrew"], now: datetime
) -> list[DomainEvent]:
    """Close an open workspace; closing a closed one changes nothing."""
    if not state.pair_id or state.closed:
        return []
    return [
        WorkspaceClosed(
            occurred_at=now, actor_id=SYSTEM_ACTOR, pair_id=state.pair_id, reason=reason
        )
    ]
