"""What a committed round tells the log: counts in one event, each unmatched person in their own.

The counts keep ``MatchRoundCompleted`` the same size whatever the round's size (decision
0040): a list of pair ids or people in it would outgrow one Kafka record near 28,000 people.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from tandem_events.catalog.matching import MatchRoundCompleted, ParticipantLeftUnmatched
from tandem_matching.domain.rounds import RoundPlan


def round_stream(round_id: str) -> str:
    """The stream of one round's unmatched people (its pairs have a stream each)."""
    return f"round-{round_id}"


def round_completed(
    plan: RoundPlan, program_id: str, round_id: str, *, actor: str, now: datetime
) -> MatchRoundCompleted:
    """The round in counts: groups, triads, people matched and unmatched per reason."""
    sizes = [len(p.member_ids) for p in plan.pairs]
    return MatchRoundCompleted(
        occurred_at=now,
        actor_id=actor,
        program_id=program_id,
        round_id=round_id,
        pairs=len(sizes),
        triads=sizes.count(3),
        people_matched=sum(sizes),
        unmatched=dict(Counter(plan.unmatched.values())),
        total_score=plan.total_score,
        exact=plan.exact,
    )


def left_unmatched(
    plan: RoundPlan, program_id: str, round_id: str, *, actor: str, now: datetime
) -> list[ParticipantLeftUnmatched]:
    """One event per person the round could not pair, with the reason's code."""
    return [
        ParticipantLeftUnmatched(
            occurred_at=now,
            actor_id=actor,
            program_id=program_id,
            round_id=round_id,
            person_id=person_id,
            reason=reason,
        )
        for person_id, reason in plan.unmatched.items()
    ]
