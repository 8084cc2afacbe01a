"""Every service prunes its old idempotency records on a schedule (no operator cron needed)."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from tandem_events.store_pruning import prune_idempotency
from tandem_service.recurring import Recurring


class IdempotencyPruner(Recurring):
    """Deletes idempotency records older than ``keep`` every ``every`` seconds.

    The age is real time (the database's ``now()``), not the service's movable clock: it is
    about clients' retry windows. Safe beside other instances: a delete twice deletes nothing.
    """

    def __init__(self, pool: asyncpg.Pool, keep: timedelta, every: float) -> None:
        super().__init__(every, "tandem.pruning")
        self._pool, self._keep = pool, keep

    async def round(self) -> None:
        """Prune once."""
        deleted = await prune_idempotency(self._pool, self._keep)
        if any(deleted.values()):
            self.log.info("idempotency records pruned", deleted=deleted)
