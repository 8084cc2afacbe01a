"""The private pulse (stress, belonging, confidence) and when support resources appear."""

from __future__ import annotations

from datetime import datetime

from tandem_engagement.domain.checkins import check_score
from tandem_engagement.domain.workspace import Workspace
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import PairHealth, PulseSubmitted

# A stress answer at or above this makes support resources appear for that person.
HIGH_STRESS = 4


def submit_pulse(
    state: Workspace, *, stress: int, belonging: int, confidence: int, actor: str, now: datetime
) -> list[DomainEvent]:
    """Record a member's pulse; allowed on an ended pair too (it is about the person)."""
    state.check_member(actor)
    for value, field in ((stress, "stress"), (belonging, "belonging"), (confidence, "confidence")):
        check_score(value, field)
    return [
        PulseSubmitted(
            occurred_at=now,
            actor_id=actor,
            pair_id=state.pair_id,
            stress=stress,
            belonging=belonging,
            confidence=confidence,
        )
    ]


def needs_support(latest_stress: int | None, health: PairHealth | None) -> bool:
    """Support resources show after a high-stress pulse or while the pair is at risk."""
    high = latest_stress is not None and latest_stress >= HIGH_STRESS
    return high or health in {"at_risk", "stalled"}
