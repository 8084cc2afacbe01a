"""Where a projection runner's consumer reads from: the stored offsets, and rebalances.

The database, not Kafka's committed offsets, says where each partition resumes. A seek
waits for the batch in flight (the runner's turn): read while a batch was in flight, the
stored offsets were the batch's start, and the runner fetched and decoded it again.
"""

from __future__ import annotations

import asyncio

import asyncpg
from aiokafka import ConsumerRebalanceListener, TopicPartition

from tandem_events.offsets import skip_removed, stored_offsets
from tandem_events.runner_lag import LagReport


class Positioning(LagReport):
    """Seeks the runner's consumer to the offsets stored with the applied batches."""

    _pool: asyncpg.Pool
    # Held while a batch is fetched and applied, and while the consumer is positioned.
    _turn: asyncio.Lock
    # Held while a batch is applied (not while records are fetched): what a revocation
    # waits for. Not the turn: a fetch during a reassignment waits for the assignment.
    _applying: asyncio.Lock
    _positioning: int  # counts seeks: a batch read ahead before one is stale
    # From a revocation until the seek that follows: the consumer's positions are the
    # group's committed offsets (told to Kafka after each batch, so possibly behind).
    _seek_pending: bool

    async def seek_to_stored(self, partitions: set[TopicPartition]) -> None:
        """Position the consumer where the database says each partition resumes."""
        assert self._consumer is not None
        self._seek_pending = False  # a revocation during the awaits below sets it again
        stored = await stored_offsets(self._pool, self.projection.name)
        self._positioning += 1
        first = await self._consumer.beginning_offsets(list(partitions)) if partitions else {}
        for tp in partitions:
            if tp not in stored:
                # An explicit offset, not seek_to_beginning: its reset completes in the
                # background, after records of the partition may already have been handed out.
                self._consumer.seek(tp, first[tp])
                continue
            if stored[tp] < first[tp]:
                await skip_removed(self._pool, self.projection.name, tp, stored[tp], first[tp])
                stored[tp] = first[tp]
            self._consumer.seek(tp, stored[tp])

    async def _hand_over(self, positioning: int) -> None:
        """Let the batch in flight commit before this member rejoins the group.

        A member taking over its partitions then reads stored offsets that include it
        instead of reading it again (``positioning``: the positions it was read under).
        """
        async with self._applying:
            pass

    async def _reposition(self, partitions: set[TopicPartition]) -> None:
        """Seek to the stored offsets once the batch in flight, if any, has committed."""
        async with self._turn:
            await self.seek_to_stored(partitions)


class Reseek(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: Positioning) -> None:
        self._runner = runner

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        # Records handed out from here on may come from positions the listener then moves:
        # reading ahead stops; what it read so far is applied with the batch in flight.
        positioning = self._runner._positioning
        self._runner._positioning += 1
        self._runner._seek_pending = True
        for tp in revoked:
            self._runner._lag.pop(tp, None)
        await self._runner._hand_over(positioning)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        await self._runner._reposition(assigned)
