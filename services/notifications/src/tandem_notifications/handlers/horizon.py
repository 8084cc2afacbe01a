"""The timer sweeps: series whose earliest planned occurrence came due are planned on, and
held notifications that came due get their delivery rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import asyncpg

from tandem_events.timers import Timer, TimerSweep
from tandem_notifications.adapters.held import HELD, released
from tandem_notifications.adapters.postgres import PostgresBook
from tandem_notifications.adapters.series import from_payload
from tandem_notifications.domain.planning.plan import Plan
from tandem_notifications.handlers.plans import HORIZON, record_plan


async def roll_forward(conn: asyncpg.Connection, due: Sequence[Timer], now: datetime) -> None:
    """Plan each due series on, unless its pair ended meanwhile (then it stops rolling)."""
    series = [from_payload(t.payload) for t in due]
    live = await _live_pairs(conn, (s.pair_id for s in series))
    keep = tuple(s for s in series if s.pair_id is None or s.pair_id in live)
    await record_plan(conn, Plan(series=keep), now)


async def release(conn: asyncpg.Connection, due: Sequence[Timer], now: datetime) -> None:
    """Write the rows of held notifications now due, unless their pair ended meanwhile."""
    planned = [released(t.payload) for t in due]
    live = await _live_pairs(conn, (p.pair_id for p in planned))
    await PostgresBook(conn).schedule(
        [p for p in planned if p.pair_id is None or p.pair_id in live]
    )


async def _live_pairs(conn: asyncpg.Connection, pair_ids: Iterable[str | None]) -> set[str]:
    rows = await conn.fetch(
        "SELECT pair_id FROM pairs WHERE pair_id = ANY($1::text[]) AND active",
        sorted({p for p in pair_ids if p}),
    )
    return {r[0] for r in rows}


def timer_sweeps(pool: asyncpg.Pool) -> list[TimerSweep]:
    """The sweeps the dispatcher runs before each batch."""
    return [TimerSweep(pool, HORIZON, roll_forward, batch=500), TimerSweep(pool, HELD, release)]
