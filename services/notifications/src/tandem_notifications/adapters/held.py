"""Notifications held back as timers until they come due, instead of delivery rows up front.

A committed round plans 10,000 cadence prompts due in three days; writing them (one row per
channel) and announcing them beside the introductions due now slowed the introductions. A
planned notification due later than ``HOLD_BEYOND`` is kept as one timer (kind ``HELD``, keyed
by its notification id, the plan as payload); when it comes due the sweep writes its delivery
rows. Cancelling by tag drops the timer and leaves cancelled rows behind as tombstones, so a
replayed cause (a rebuild) re-creates a timer whose release then writes nothing new.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tandem_notifications.domain.kinds import PRIORITY, Channel, Kind
from tandem_notifications.domain.planned import Planned

HELD = "notifications.held"
HOLD_BEYOND = timedelta(hours=1)

# Deletes the held notifications carrying any of the tags, leaving cancelled rows behind.
CANCEL_HELD = f"""
WITH gone AS (
    DELETE FROM timers WHERE kind = '{HELD}' AND payload->'tags' ?| $1::text[]
    RETURNING payload AS p
)
INSERT INTO deliveries (notification_id, channel, cause_id, recipient_id, kind, program_id,
                        pair_id, tags, data, priority, due_at, status, announced, finished_at)
SELECT (p->>'id')::uuid, c.channel, p->>'cause', p->>'recipient_id', p->>'kind',
       p->>'program_id', p->>'pair_id', ARRAY(SELECT jsonb_array_elements_text(p->'tags')),
       p->'data', (p->>'priority')::smallint, (p->>'due_at')::timestamptz, 'cancelled', true, $2
FROM gone, jsonb_array_elements_text(p->'channels') AS c(channel)
ON CONFLICT (notification_id, channel) DO NOTHING
RETURNING 1
"""


def held(planned: Planned) -> tuple[str, datetime, dict[str, Any]]:
    """The timer (key, due, payload) that holds ``planned``."""
    return (
        planned.notification_id,
        planned.due_at,
        {
            "id": planned.notification_id,
            "cause": planned.cause_id,
            "recipient_id": planned.recipient_id,  # the erasure trigger reads it
            "kind": planned.kind.value,
            "due_at": planned.due_at.isoformat(),
            "channels": [c.value for c in planned.channels],
            "tags": list(planned.tags),
            "program_id": planned.program_id,
            "pair_id": planned.pair_id,
            "data": dict(planned.data),
            "priority": PRIORITY[planned.kind],
        },
    )


def released(payload: dict[str, Any]) -> Planned:
    """The planned notification a held timer kept."""
    return Planned(
        payload["cause"],
        payload["recipient_id"],
        Kind(payload["kind"]),
        datetime.fromisoformat(payload["due_at"]),
        tuple(Channel(c) for c in payload["channels"]),
        tuple(payload["tags"]),
        payload["program_id"],
        payload["pair_id"],
        dict(payload["data"]),
    )
