"""Plans into the delivery book: rows, series timers, new pairs and held ones, one statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tandem_notifications.adapters.held import HELD, held
from tandem_notifications.adapters.postgres.inbox import PostgresInbox
from tandem_notifications.adapters.postgres.statements import RECORD
from tandem_notifications.domain.kinds import PRIORITY
from tandem_notifications.domain.planned import Planned

HORIZON = "notifications.horizon"  # the timers kind of rolling series


@dataclass(frozen=True)
class NewPair:
    """A pair as the planner keeps it when it is created."""

    pair_id: str
    program_id: str
    member_ids: tuple[str, ...]


class PostgresPlans(PostgresInbox):
    """Records what planning decided (the delivery book's write of new plans)."""

    async def schedule(self, planned: Sequence[Planned]) -> None:
        """Record each (notification, channel) once; a repeat of the same cause changes nothing."""
        if any(p.channels for p in planned):
            await self.record(planned, HORIZON, [])

    async def record(
        self,
        planned: Sequence[Planned],
        timer_kind: str,
        timers: Sequence[tuple[str, datetime, dict[str, Any]]],
        pairs: Sequence[NewPair] = (),
        pairs_table: str = "pairs",
        later: Sequence[Planned] = (),
    ) -> None:
        """Schedule ``planned``, (re)schedule series ``timers``, add new ``pairs`` and hold
        ``later`` (due later: timers, no rows yet): one statement, answering nothing, so a
        projection's writes can be queued and pipelined."""
        holds = [held(p) for p in later]
        rows = [(p, c) for p in planned for c in p.channels]
        await self._conn.execute(
            RECORD.format(pairs=pairs_table),
            [p.notification_id for p, _ in rows],
            [c.value for _, c in rows],
            [p.cause_id for p, _ in rows],
            [p.recipient_id for p, _ in rows],
            [p.kind.value for p, _ in rows],
            [p.program_id for p, _ in rows],
            [p.pair_id for p, _ in rows],
            # Joined: a list of lists would be sent as a two-dimensional array.
            ["\x1f".join(p.tags) for p, _ in rows],
            [dict(p.data) for p, _ in rows],
            [PRIORITY[p.kind] for p, _ in rows],
            [p.due_at for p, _ in rows],
            timer_kind,
            [t[0] for t in timers],
            [t[1] for t in timers],
            [t[2] for t in timers],
            [p.pair_id for p in pairs],
            [p.program_id for p in pairs],
            ["\x1f".join(p.member_ids) for p in pairs],
            HELD,
            [h[0] for h in holds],
            [h[1] for h in holds],
            [h[2] for h in holds],
        )
