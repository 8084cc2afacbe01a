"""A new pair hears who their peers are, then is asked to agree a cadence."""

from __future__ import annotations

from datetime import timedelta

from tandem_events.catalog.matching import PairCreated
from tandem_notifications.domain.kinds import Kind
from tandem_notifications.domain.planned import Planned
from tandem_notifications.domain.planning.keys import member_tag, pair_tag
from tandem_notifications.domain.planning.plan import Plan, personal

CADENCE_PROMPT_AFTER = timedelta(days=3)


def on_pair_created(event: PairCreated, cause: str) -> Plan:
    """An introduction now and a cadence prompt in three days (monthly pulse invitations
    follow engagement's ``PulseInvited``: engagement decides when a pulse is due)."""
    planned: list[Planned] = []
    for member in event.member_ids:
        tags = (pair_tag(event.pair_id), member_tag(event.program_id, member))
        peers = [m for m in event.member_ids if m != member]
        common = {"program_id": event.program_id, "pair_id": event.pair_id}
        intro = {
            **common,
            "peer_ids": peers,
            "reasons": list(event.reasons),
            "suggested_cadence_days": event.suggested_cadence_days,
        }
        planned.append(personal(cause, member, Kind.INTRODUCTION, event.occurred_at, tags, intro))
        planned.append(
            personal(
                cause,
                member,
                Kind.CADENCE_PROMPT,
                event.occurred_at + CADENCE_PROMPT_AFTER,
                (*tags, f"cadence-prompt:{event.pair_id}"),
                common,
            )
        )
    return Plan(schedule=tuple(planned))
