"""The Pair aggregate: created by a round or by hand, ended once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import PairCreated, PairEnded
from tandem_matching.domain.errors import Conflict, NotFound


def pair_stream(pair_id: str) -> str:
    """The event stream of one pair."""
    return f"pair-{pair_id}"


@dataclass(frozen=True)
class Pair:
    """A pair as its events left it."""

    pair_id: str = ""
    program_id: str = ""
    member_ids: tuple[str, ...] = ()
    active: bool = False


def apply_pair(state: Pair, event: DomainEvent) -> Pair:
    """Fold one event into the pair."""
    if isinstance(event, PairCreated):
        return Pair(event.pair_id, event.program_id, event.member_ids, True)
    if isinstance(event, PairEnded):
        return replace(state, active=False)
    return state


def end(state: Pair, *, reason: str, actor: str, now: datetime) -> list[DomainEvent]:
    """End an active pair with the reason."""
    if not state.pair_id:
        raise NotFound("no such pair")
    if not state.active:
        raise Conflict(f"pair {state.pair_id} has already ended")
    return [
        PairEnded(
            occurred_at=now,
            actor_id=actor,
            pair_id=state.pair_id,
            program_id=state.program_id,
            member_ids=state.member_ids,
            reason=reason,
        )
    ]
