"""What a pair hears along the way: pulse invitations, celebrations and nudges."""

from __future__ import annotations

from collections.abc import Sequence

from tandem_events.catalog.engagement import MilestoneReached, PairHealthChanged, PulseInvited
from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.domain.planned import Planned
from tandem_notifications.domain.planning.keys import member_tag, pair_tag, program_channel
from tandem_notifications.domain.planning.plan import Plan, personal

AT_RISK = frozenset({"at_risk", "stalled"})


def on_pulse_invited(
    event: PulseInvited, cause: str, program_id: str, members: Sequence[str]
) -> Plan:
    """Invite the pair's current members to this month's pulse, now."""
    data = {"pair_id": event.pair_id, "program_id": program_id, "round": event.round}
    return Plan(
        schedule=tuple(
            personal(
                cause,
                m,
                Kind.PULSE_INVITATION,
                event.occurred_at,
                (pair_tag(event.pair_id), member_tag(program_id, m)),
                data,
                program_id,
            )
            for m in members
        )
    )


def on_milestone(
    event: MilestoneReached, cause: str, program_id: str, members: Sequence[str]
) -> Plan:
    """Celebrate with the pair; the program channel hears it only if both opted in (at send)."""
    data = {
        "pair_id": event.pair_id,
        "program_id": program_id,
        "milestone": event.milestone,
        "count": event.count,
        "members": list(members),
    }
    planned = [
        personal(
            cause,
            m,
            Kind.CELEBRATION,
            event.occurred_at,
            (pair_tag(event.pair_id),),
            data,
            program_id,
        )
        for m in members
    ]
    planned.append(
        Planned(
            cause,
            program_channel(program_id),
            Kind.CELEBRATION,
            event.occurred_at,
            (Channel.WEBHOOK,),
            (pair_tag(event.pair_id),),
            program_id,
            event.pair_id,
            data,
        )
    )
    return Plan(schedule=tuple(planned))


def on_health_changed(
    event: PairHealthChanged, cause: str, program_id: str, members: Sequence[str]
) -> Plan:
    """A gentle nudge with the support resources when a pair newly becomes at risk."""
    if event.current not in AT_RISK or event.previous in AT_RISK:
        return Plan()
    data = {"pair_id": event.pair_id, "program_id": program_id, "health": event.current}
    return Plan(
        schedule=tuple(
            personal(
                cause,
                m,
                Kind.NUDGE,
                event.occurred_at,
                (pair_tag(event.pair_id),),
                data,
                program_id,
            )
            for m in members
        )
    )
