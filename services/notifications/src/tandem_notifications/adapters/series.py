"""A series as a timer's JSON payload, and back (the horizon timers keep it in PostgreSQL)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from tandem_notifications.domain.horizon import Recurrence, Series
from tandem_notifications.domain.kinds import Channel, Kind


def to_payload(series: Series) -> dict[str, Any]:
    """The series as JSON values."""
    r = series.recurrence
    return {
        "key": series.key,
        "cause": series.cause,
        "label": series.label,
        "kind": series.kind.value,
        "recipient_id": series.recipient_id,
        "first": r.first.isoformat(),
        "at": r.at.isoformat(),
        "zone": r.zone,
        "step_days": r.step_days,
        "lead_days": r.lead_days,
        "ahead": series.ahead,
        "planned": series.planned,
        "channels": [c.value for c in series.channels],
        "tags": list(series.tags),
        "program_id": series.program_id,
        "pair_id": series.pair_id,
        "data": dict(series.data),
        "date_key": series.date_key,
    }


def from_payload(p: dict[str, Any]) -> Series:
    """A series back from its JSON values."""
    recurrence = Recurrence(
        date.fromisoformat(p["first"]),
        time.fromisoformat(p["at"]),
        p["zone"],
        int(p["step_days"]),
        int(p["lead_days"]),
    )
    return Series(
        p["key"],
        p["cause"],
        p["label"],
        Kind(p["kind"]),
        p["recipient_id"],
        recurrence,
        int(p["ahead"]),
        int(p["planned"]),
        tuple(Channel(c) for c in p["channels"]),
        tuple(p["tags"]),
        p["program_id"],
        p["pair_id"],
        dict(p["data"]),
        p["date_key"],
    )
