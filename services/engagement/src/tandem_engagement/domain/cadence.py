"""Co-created cadence: one member proposes, the other agrees or counters."""

from __future__ import annotations

from datetime import datetime

from tandem_engagement.domain.errors import Conflict, InvalidInput
from tandem_engagement.domain.workspace import CadenceTerms, Workspace
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import CadenceAgreed, CadenceProposed

MAX_EVERY_DAYS = 90
MEETING_MINUTES = (10, 240)


def check_terms(terms: CadenceTerms) -> None:
    """Meet at least every 90 days, for 10 minutes to 4 hours."""
    if not 1 <= terms.every_days <= MAX_EVERY_DAYS:
        raise InvalidInput("every_days must be 1 to 90", field="every_days")
    low, high = MEETING_MINUTES
    if not low <= terms.meeting_minutes <= high:
        raise InvalidInput("meeting_minutes must be 10 to 240", field="meeting_minutes")


def propose(
    state: Workspace, terms: CadenceTerms, *, proposal_id: str, actor: str, now: datetime
) -> list[DomainEvent]:
    """Propose terms; answering the partner's pending proposal with new terms counters it."""
    state.check_member(actor)
    state.check_open()
    check_terms(terms)
    pending = state.proposal
    counters = pending.proposal_id if pending and pending.proposed_by != actor else None
    return [
        CadenceProposed(
            occurred_at=now,
            actor_id=actor,
            pair_id=state.pair_id,
            every_days=terms.every_days,
            meeting_minutes=terms.meeting_minutes,
            time_of_day=terms.time_of_day,
            weekday=terms.weekday,
            proposal_id=proposal_id,
            counters=counters,
        )
    ]


def agree(state: Workspace, *, proposal_id: str, actor: str, now: datetime) -> list[DomainEvent]:
    """Agree to the partner's pending proposal (never to one's own)."""
    state.check_member(actor)
    state.check_open()
    pending = state.proposal
    if pending is None or pending.proposal_id != proposal_id:
        raise Conflict("that proposal is no longer pending", field="proposal_id")
    if pending.proposed_by == actor:
        raise Conflict("the other member agrees to a proposal, not its author")
    terms = pending.terms
    return [
        CadenceAgreed(
            occurred_at=now,
            actor_id=actor,
            pair_id=state.pair_id,
            every_days=terms.every_days,
            meeting_minutes=terms.meeting_minutes,
            agreed_by=(pending.proposed_by, actor),
            proposal_id=proposal_id,
            time_of_day=terms.time_of_day,
            weekday=terms.weekday,
        )
    ]
