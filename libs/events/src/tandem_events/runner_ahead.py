"""Fetching a projection runner's batches: large batches, the next read while one applies.

Per-transaction costs are shared by thousands of events, and decoding the next batch
overlaps the current batch's transaction instead of following it.
"""

from __future__ import annotations

import asyncio

from aiokafka import TopicPartition

from tandem_events.reading import Batch, Record, read
from tandem_events.runner_apply import BatchTransaction
from tandem_events.runner_inputs import InputTopics, log

BATCH_TARGET = 10_000
AHEAD_WAIT_MS = 10  # how long one wait for records lasts while a batch is applied


class ReadAhead(InputTopics):
    """Fetches batches and applies them, reading the next one while one is applied."""

    _ahead: Batch | None
    _transaction: BatchTransaction

    async def process(self, batch: Batch) -> None:
        """Apply a read batch and record its offsets, all in one transaction."""
        async with self._applying:
            await self._transaction.apply(batch)
            self._note_lag(batch.records)

    async def _next_batch(self) -> Batch:
        """The batch read ahead, unless the consumer was positioned since; else a new one."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead.positioning == self._positioning:
            return ahead
        records = await self._gather(wait_ms=500)
        if self._seek_pending:
            # Handed out after a reassignment, before the listener's seek (it waits for
            # this turn): from the group's committed offsets, which may be a batch behind
            # the stored ones. Not decoded: the consumer is positioned and reads on from there.
            assert self._consumer is not None
            await self.seek_to_stored(self._consumer.assignment())
            return Batch({}, self._positioning)
        batch = await read(records, self._positioning)
        if batch.positioning != self._positioning:
            # A revocation came while it was decoded: its partitions may be another
            # member's by now, which reads them from the stored offsets. Applied here
            # too, both wrote the same rows and one rolled back. Read again once sought.
            return Batch({}, self._positioning)
        return batch

    async def _apply_reading_ahead(self, batch: Batch) -> None:
        """Apply ``batch`` while the next one is fetched and decoded as its records arrive.

        The next fetch is only sent once the previous one was handed out, so right after
        the apply starts nothing has arrived yet: reading ahead waits for records (briefly,
        repeatedly) for as long as the apply runs, then takes only what is already there.
        """
        assert self._consumer is not None
        applying = asyncio.create_task(self.process(batch))
        # Where a revocation finds it (``_hand_over``) until the next batch takes it.
        ahead = self._ahead = Batch({}, self._positioning)
        try:
            while ahead.size < BATCH_TARGET:
                done = applying.done()
                if done and (applying.cancelled() or applying.exception() is not None):
                    break  # what is read ahead of a failed batch would be dropped anyway
                more = await self._consumer.getmany(timeout_ms=0 if done else AHEAD_WAIT_MS)
                if ahead.positioning != self._positioning:
                    break  # a rebalance began: the listener will move the positions
                if more:
                    await ahead.take(more)
                elif done:
                    break
        finally:
            try:
                await applying
            except BaseException:  # its failure wins: what was read ahead of it is dropped
                self._ahead = None
                raise
        if not ahead.records and self._ahead is ahead:
            self._ahead = None

    async def _hand_over(self, positioning: int) -> None:
        """Commit the batch in flight and what was read ahead of it, before a rebalance.

        Read ahead under the positions in force until now (``positioning``), the records
        follow the batch in flight: applied here, the stored offsets the new owners read
        include them, where dropping them had every one read again (the first member of a
        group starting together decoded about one batch per runner twice).
        """
        await super()._hand_over(positioning)
        ahead, self._ahead = self._ahead, None
        if ahead is None or not ahead.records or ahead.positioning != positioning:
            return
        try:
            await self.process(ahead)
        except Exception as exc:  # e.g. the batch in flight failed: its new owner reads both
            log.info(
                "read-ahead left to the next owner", projection=self.projection.name, error=str(exc)
            )

    async def _gather(self, wait_ms: int) -> dict[TopicPartition, list[Record]]:
        """One fetch, topped up with what is already fetched, up to ``BATCH_TARGET`` records.

        Per-transaction costs (the commit's WAL flush, the offsets, the id claims) are then
        shared by thousands of events instead of one fetch's few hundred.
        """
        assert self._consumer is not None
        batches: dict[TopicPartition, list[Record]] = await self._consumer.getmany(
            timeout_ms=wait_ms
        )
        total = sum(len(r) for r in batches.values())
        while batches and total < BATCH_TARGET:
            more = await self._consumer.getmany(timeout_ms=0)
            if not more:
                break
            for tp, records in more.items():
                batches.setdefault(tp, []).extend(records)
                total += len(records)
        return batches
