"""The private pulse (stress, belonging, confidence) and when support resources appear."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tandem_engagement.domain.checkins import check_score
from tandem_engagement.domain.workspace import Workspace
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import PairHealth, PulseInvited, PulseSubmitted

# A stress answer at or above this makes support resources appear for that person.
HIGH_STRESS = 4
# The pulse is invited monthly, counted from the day the workspace opened.
PULSE_EVERY_DAYS = 30


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


def invitation_round(state: Workspace, today: date) -> int:
    """How many whole pulse months the pair has been together on ``today``."""
    if state.opened_on is None:
        return 0
    return max(0, (today - state.opened_on).days // PULSE_EVERY_DAYS)


def invite(state: Workspace, now: datetime) -> list[DomainEvent]:
    """The monthly pulse invitation due at ``now`` and not yet sent (after downtime, only the
    latest one: a backlog of stale invitations would only be noise)."""
    if not state.pair_id or state.closed:
        return []
    due = invitation_round(state, now.date())
    if due <= state.pulse_invitations:
        return []
    return [
        PulseInvited(
            occurred_at=now,
            actor_id="engagement",
            pair_id=state.pair_id,
            member_ids=state.member_ids,
            round=due,
            invited_on=now.date(),
        )
    ]


def next_invitation(state: Workspace) -> date | None:
    """When the next monthly invitation falls due (None once the pair has ended)."""
    if state.opened_on is None or state.closed:
        return None
    return state.opened_on + timedelta(days=PULSE_EVERY_DAYS * (state.pulse_invitations + 1))
