"""Dead letters: decided in the consumer's transaction, kept for replay, sent after the commit.

A record that cannot be applied is written to ``projection_dead_letters`` inside the
transaction that decided it, so a rolled-back and retried batch decides it again without a
second copy. Only what committed is published to ``<topic>.dlq`` (with the reason and the
original headers) and marked sent; a crash between the two sends it again on restart. Every
dead letter stays replayable: :func:`replay_dead_letters` parks them for the runner to retry.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import TypeAlias

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from prometheus_client import Counter

DEAD_LETTERS = Counter(
    "tandem_dead_letters_total", "Records sent to a dead-letter topic", ["consumer", "topic"]
)

Record: TypeAlias = ConsumerRecord[bytes, bytes]

_RECORD = """
INSERT INTO projection_dead_letters (projection, dead_key, event_id, topic, partition,
                                     "offset", record_key, headers, value, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING
"""


def dlq_topic(topic: str) -> str:
    """``<topic>.dlq``."""
    return f"{topic}.dlq"


def _event_id(record: Record) -> str | None:
    for name, value in record.headers:
        if name == "ce_id":
            return str(value.decode(errors="replace"))
    return None


class DeadLetters:
    """One consumer's dead letters: recorded in its transactions, published after them."""

    def __init__(self, producer: AIOKafkaProducer, consumer: str) -> None:
        self._producer = producer
        self._consumer = consumer

    async def record(self, conn: asyncpg.Connection, record: Record, reason: str) -> None:
        """Decide that ``record`` is dead, in the caller's transaction (nothing is sent yet)."""
        event_id = _event_id(record)
        await conn.execute(
            _RECORD,
            self._consumer,
            event_id or f"{record.topic}:{record.partition}:{record.offset}",
            event_id,
            record.topic,
            record.partition,
            record.offset,
            record.key,
            [[k, base64.b64encode(v).decode()] for k, v in record.headers],
            record.value,
            reason[:2000],
        )

    async def send_committed(self, pool: asyncpg.Pool) -> int:
        """Publish the committed dead letters not sent yet, each once; returns how many."""
        rows = await pool.fetch(
            "SELECT * FROM projection_dead_letters WHERE projection = $1 AND sent_at IS NULL "
            "ORDER BY dead_at LIMIT 1000",
            self._consumer,
        )
        for row in rows:
            headers = [(k, base64.b64decode(v)) for k, v in row["headers"]]
            headers += [
                ("dlq_reason", row["reason"].encode()),
                ("dlq_consumer", self._consumer.encode()),
                ("dlq_original_topic", row["topic"].encode()),
                ("dlq_original_partition", str(row["partition"]).encode()),
                ("dlq_original_offset", str(row["offset"]).encode()),
            ]
            await self._producer.send_and_wait(
                dlq_topic(row["topic"]), row["value"], key=row["record_key"], headers=headers
            )
            await pool.execute(
                "UPDATE projection_dead_letters SET sent_at = now() "
                "WHERE projection = $1 AND dead_key = $2",
                self._consumer,
                row["dead_key"],
            )
            DEAD_LETTERS.labels(self._consumer, row["topic"]).inc()
        return len(rows)


async def replay_dead_letters(pool: asyncpg.Pool, projection: str, horizon: timedelta) -> int:
    """Park every dead letter of ``projection`` for its runner to retry now; returns how many.

    Records whose key or headers are not text cannot be events; they stay dead.
    """
    replayed = 0
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(
            "SELECT * FROM projection_dead_letters WHERE projection = $1 FOR UPDATE", projection
        )
        for row in rows:
            try:
                headers = [[k, base64.b64decode(v).decode()] for k, v in row["headers"]]
                key = bytes(row["record_key"] or b"").decode()
            except UnicodeDecodeError:
                continue
            await conn.execute(
                "INSERT INTO projection_parked (projection, event_id, waiting_for, topic, "
                "record_key, headers, value, retry_at, expires_at) "
                "VALUES ($1, $2, 'replay', $3, $4, $5, $6, now(), now() + $7::interval) "
                "ON CONFLICT (projection, event_id) DO UPDATE SET retry_at = now()",
                projection,
                row["dead_key"],
                row["topic"],
                key,
                headers,
                row["value"] or b"",
                horizon,
            )
            await conn.execute(
                "DELETE FROM projection_dead_letters WHERE projection = $1 AND dead_key = $2",
                projection,
                row["dead_key"],
            )
            replayed += 1
    return replayed
