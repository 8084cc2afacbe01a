"""When the system has converged again after a kill, read from the databases and the broker.

Converged means: every process answers ``/health``; every kind of command got a 2xx sent
after the restart; every event stored before the restart has been relayed; every projection
has applied its topics up to the end they had once those events were on Kafka; and no
notification is overdue. The load keeps running throughout, so these are moving targets
pinned at the restart, not "all queues empty".
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
from aiokafka import TopicPartition

from tandem_events.projection import Projection

from .workload import partitions

SERVICES = ("matching", "engagement", "notifications", "analytics")
PUBLISHERS = ("matching", "engagement", "notifications")
OVERDUE = "10 seconds"  # longer than the notifications lease the drill sets (5 s)


LAST_ERROR: list[str] = [""]  # why the last check failed, for the failure message
_POOLS: dict[str, asyncpg.Pool] = {}


async def _value(dsn: str, query: str, *args: object) -> int | None:
    """One number, or None while the database does not answer (it may be the one killed)."""
    try:
        if dsn not in _POOLS:
            _POOLS[dsn] = await asyncpg.create_pool(dsn, min_size=1, max_size=1, timeout=5)
        return int(await _POOLS[dsn].fetchval(query, *args, timeout=5) or 0)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        LAST_ERROR[0] = repr(exc)
        return None


async def _rows(dsn: str, query: str) -> list[asyncpg.Record] | None:
    """All rows, or None while the database does not answer."""
    try:
        if dsn not in _POOLS:
            _POOLS[dsn] = await asyncpg.create_pool(dsn, min_size=1, max_size=1, timeout=5)
        return list(await _POOLS[dsn].fetch(query, timeout=5))
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        LAST_ERROR[0] = repr(exc)
        return None


async def close_pools() -> None:
    """Close the pools the checks opened (before the loop that made them ends)."""
    for pool in _POOLS.values():
        await pool.close()
    _POOLS.clear()


async def stored_up_to(dsn: dict[str, str]) -> dict[str, int] | None:
    """The last store position of each publishing service (None while PostgreSQL is down)."""
    found = {
        s: await _value(dsn[s], "SELECT coalesce(max(position), 0) FROM events") for s in PUBLISHERS
    }
    return None if None in found.values() else {s: int(v or 0) for s, v in found.items()}


async def relayed(dsn: dict[str, str], upto: dict[str, int]) -> bool:
    """Whether every event up to ``upto`` is recorded as published by its service's relay."""
    for service, position in upto.items():
        pending = await _value(
            dsn[service],
            "SELECT count(*) FROM events e WHERE e.position <= $1 AND NOT EXISTS (SELECT 1 FROM "
            "relay_progress p WHERE p.relay = $2 AND (e.tx_id, e.position) <= "
            "(p.tx_id, p.position))",
            position,
            f"{service}-outbox",  # the backbone names its relay after the service
        )
        if pending != 0:
            LAST_ERROR[0] = f"{service}: {pending} events up to {position} not relayed"
            return False
    return True


async def topic_ends(bootstrap: str, topics: Sequence[str]) -> dict[TopicPartition, int]:
    """The end offset of every partition of ``topics``."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        return dict(await consumer.end_offsets(await partitions(bootstrap, list(topics))))
    finally:
        await consumer.stop()


async def applied(
    dsn: dict[str, str],
    projections: dict[str, Sequence[Projection]],
    prefix: str,
    ends: dict[TopicPartition, int],
) -> bool:
    """Whether every projection has applied its topics up to ``ends``."""
    for service, own in projections.items():
        rows = await _rows(dsn[service], "SELECT * FROM projection_offsets")
        if rows is None:
            return False
        at = {(r["projection"], r["topic"], r["partition"]): r["next_offset"] for r in rows}
        for projection in own:
            topics = {prefix + t for t in projection.topics}
            for tp in [tp for tp in ends if tp.topic in topics]:
                done = at.get((projection.name, tp.topic, tp.partition), 0)
                if done < ends[tp]:
                    LAST_ERROR[0] = f"{projection.name} at {done} of {ends[tp]} on {tp}"
                    return False
    return True


async def nothing_overdue(dsn: str) -> bool:
    """No delivery due a while ago is still waiting or stuck in a dead sender's lease."""
    overdue = await _value(
        dsn,
        "SELECT count(*) FROM deliveries WHERE status IN ('scheduled', 'sending') "
        f"AND due_at < now() - interval '{OVERDUE}'",
    )
    return overdue == 0
