"""The horizon sweep: series whose earliest planned occurrence came due are planned on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from tandem_events.timers import Timer, TimerSweep
from tandem_notifications.adapters.series import from_payload
from tandem_notifications.domain.planning import Plan
from tandem_notifications.handlers.plans import HORIZON, record_plan


async def roll_forward(conn: asyncpg.Connection, due: Sequence[Timer], now: datetime) -> None:
    """Plan each due series on, unless its pair ended meanwhile (then it stops rolling)."""
    series = [from_payload(t.payload) for t in due]
    pair_ids = sorted({s.pair_id for s in series if s.pair_id})
    rows = await conn.fetch(
        "SELECT pair_id FROM pairs WHERE pair_id = ANY($1::text[]) AND active", pair_ids
    )
    live = {r[0] for r in rows}
    keep = tuple(s for s in series if s.pair_id is None or s.pair_id in live)
    await record_plan(conn, Plan(series=keep), now)


def horizon_sweep(pool: asyncpg.Pool) -> TimerSweep:
    """The sweep the dispatcher runs before each batch."""
    return TimerSweep(pool, HORIZON, roll_forward, batch=500)
