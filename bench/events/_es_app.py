"""The peer of the commands benchmark: an ``eventsourcing`` 9.5 PostgreSQL application."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

WHEN = datetime(2026, 11, 24, 9, 0, tzinfo=UTC).isoformat()
MET_ON = date(2026, 11, 24).isoformat()


class Pair(Aggregate):
    """The same aggregate as ours: a pair that counts its check-ins."""

    @event("Created")
    def __init__(self, pair_id: str) -> None:
        self.pair_id = pair_id
        self.check_ins = 0

    @event("CheckInLogged")
    def log_check_in(
        self, actor_id: str, check_in_id: str, occurred_at: str, met_on: str, duration_minutes: int
    ) -> None:
        self.check_ins += 1


class Pairs(Application[Any]):
    """Load, decide, append one event, commit."""

    def create(self, pair_id: str) -> Any:
        pair = Pair(pair_id)
        pair.log_check_in("p-1", f"{pair_id}-c1", WHEN, MET_ON, 30)
        self.save(pair)
        return pair.id

    def log_check_in(self, aggregate_id: Any) -> None:
        pair = self.repository.get(aggregate_id)  # load
        n = pair.check_ins + 1  # decide
        pair.log_check_in("p-1", f"{pair.pair_id}-c{n}", WHEN, MET_ON, 30)
        self.save(pair)  # append + commit


def app_for(dsn: str, pool_size: int = 8) -> Pairs:
    """The library's recommended PostgreSQL settings, with a pool for ``pool_size`` threads."""
    url = urlsplit(dsn)
    return Pairs(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.path.lstrip("/"),
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": url.username or "",
            "POSTGRES_PASSWORD": url.password or "",
            "POSTGRES_POOL_SIZE": str(pool_size),
        }
    )
