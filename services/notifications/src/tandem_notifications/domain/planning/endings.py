"""A pair that ends, or a person who leaves, stops hearing what it caused."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tandem_events.catalog.matching import PairEnded, ParticipantWithdrew
from tandem_notifications.domain.kinds import Kind
from tandem_notifications.domain.planned import Planned
from tandem_notifications.domain.planning.keys import member_tag, pair_tag, series_keys
from tandem_notifications.domain.planning.plan import Plan, personal, sequence


def on_pair_ended(event: PairEnded, cause: str, cadence: Mapping[str, object] | None) -> Plan:
    """Cancel what the pair caused; withdraw the calendar series if one was sent."""
    planned: tuple[Planned, ...] = ()
    if cadence is not None:
        data = {**cadence, "sequence": sequence(event.occurred_at), "reason": event.reason}
        planned = tuple(
            personal(
                cause, m, Kind.MEETING_CANCELLED, event.occurred_at, (), data, event.program_id
            )
            for m in event.member_ids
        )
    stop = tuple(k for m in event.member_ids for k in series_keys(event.pair_id, m))
    return Plan(cancel=(pair_tag(event.pair_id),), schedule=planned, stop_series=stop)


def on_withdrew(event: ParticipantWithdrew, pair_ids: Sequence[str]) -> Plan:
    """A person who left a program hears nothing more about it (nor about its ``pair_ids``)."""
    stop = tuple(k for p in pair_ids for k in series_keys(p, event.person_id))
    return Plan(cancel=(member_tag(event.program_id, event.person_id),), stop_series=stop)
