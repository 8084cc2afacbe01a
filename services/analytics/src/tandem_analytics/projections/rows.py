"""The fact projections' common shape, and the rows a batch adds to their tables.

One ``INSERT ... ON CONFLICT DO UPDATE`` cannot touch the same row twice, so rows that
meet again within a batch are merged here first, by the rule the upsert itself applies.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from operator import itemgetter
from typing import Any

import asyncpg

from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_analytics.projections.rules import Row, Rule
from tandem_analytics.projections.staging import COPY_FROM_ROWS, Staged
from tandem_analytics.projections.views import recreate_views
from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext


class FactProjection:
    """A projection of fact rows: a batch becomes one set-based upsert per fact table.

    A subclass names its topics and tables, gives ``writes`` (table -> the upsert of its
    unnested columns, ``{t}`` for the table's name) and turns events into ``rows``.
    """

    name: str
    topics: Sequence[str]
    tables: Sequence[str]
    writes: dict[str, str]
    # Every upsert is idempotent and order-free (insert-once, earliest or latest wins), so
    # the runner claims no event ids for these projections (ADR 0043; test_order.py).
    idempotent = True

    def __init__(self, pseudonyms: Pseudonyms) -> None:
        self._people = pseudonyms
        self._staged = {table: Staged.of(table, write) for table, write in self.writes.items()}

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Record the fact ``event`` states (events of no interest here are skipped)."""
        await self.apply_batch(ctx, [(event, envelope)])

    async def apply_batch(
        self, ctx: ProjectionContext, items: Sequence[tuple[DomainEvent, Envelope]]
    ) -> None:
        """Record the facts of a batch: one upsert per fact table that has rows."""
        rows = self.rows(items)
        for table, statement in self.writes.items():
            listed = rows.listed(table)
            if len(listed) >= COPY_FROM_ROWS:
                await self._staged[table].write(ctx.conn, ctx.table(table), listed)
            elif listed:
                columns = [list(column) for column in zip(*listed, strict=True)]
                await ctx.conn.execute(statement.format(t=ctx.table(table)), *columns)

    def rows(self, items: Sequence[tuple[DomainEvent, Envelope]]) -> Rows:
        """The rows a batch adds, merged per key as the upserts would merge them."""
        raise NotImplementedError

    async def recreate_views(self, conn: asyncpg.Connection) -> None:
        """After a rebuild swapped the tables in, point the analyst views at them."""
        await recreate_views(conn)


class Rows:
    """Rows per fact table: appended (insert-once tables) or merged by key (upserts)."""

    def __init__(self) -> None:
        self._appended: dict[str, list[Row]] = {}
        self._merged: dict[str, dict[Hashable, Row]] = {}

    def add(self, table: str, row: Row) -> None:
        """A row whose repeats the table ignores (``ON CONFLICT DO NOTHING``)."""
        self._appended.setdefault(table, []).append(row)

    def merge(self, table: str, key: Hashable, row: Row, rule: Rule) -> None:
        """A row upserted by ``key``: combined with an earlier one of the batch by ``rule``."""
        rows = self._merged.setdefault(table, {})
        old = rows.get(key)
        rows[key] = row if old is None else rule(old, row)

    def columns(self, table: str) -> list[list[Any]]:
        """The table's rows as one list per column (empty when the batch adds none), by key."""
        return [list(column) for column in zip(*self.listed(table), strict=True)]

    def listed(self, table: str) -> list[Row]:
        """The table's rows, sorted by key.

        Two processes of the consumer group apply the same records while a partition moves
        between them; in arrival order their batches (starting at different offsets) could
        lock the same rows in opposite orders and deadlock. Sorted, every batch locks in the
        same order. An insert-once table's key starts with its first column, and rows that
        share that column come from one event, in its own order (the sort is stable).
        """
        merged = self._merged.get(table, {})
        rows = sorted(self._appended.get(table, []), key=itemgetter(0))
        rows += [merged[key] for key in sorted(merged)]  # type: ignore[type-var]  # one kind
        return rows
