"""What a projection is: a named read model fed by topics, applied inside a transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import asyncpg

from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope


class WaitFor(Exception):
    """Raised by a handler when an event arrived before one it depends on (e.g. a check-in
    before its PairCreated). The runner parks the event and retries it as soon as an event
    with record key ``key`` is applied (default: the parked event's own key), else later."""

    def __init__(self, what: str, key: str | None = None) -> None:
        super().__init__(f"waiting for {what}")
        self.what = what
        self.key = key


@dataclass
class ProjectionContext:
    """What a handler gets: the connection (inside the batch transaction) and table names."""

    conn: asyncpg.Connection
    table_names: dict[str, str] = field(default_factory=dict)

    def table(self, name: str) -> str:
        """The physical name of a projection table (a shadow table during a rebuild)."""
        return self.table_names.get(name, name)


class Projection(Protocol):
    """A read model: its name, the topics that feed it and the tables it owns."""

    name: str
    topics: Sequence[str]
    tables: Sequence[str]

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Apply one event (once per event id); raise WaitFor when early.

        Writes through ``ctx.conn.execute`` may be queued until the batch commits (their
        status string is empty); read with ``fetch*`` when the handler needs an answer.
        """
        ...


@runtime_checkable
class BatchProjection(Projection, Protocol):
    """A projection that writes a whole batch at once (set-based statements, not per event).

    The runner hands it every first-seen event of a batch in one call, inside the batch
    transaction; ``apply`` still serves the per-event retry that isolates a failing event
    (and the rebuild). ``apply_batch`` must not raise :class:`WaitFor`: if it raises
    anything, the batch is redone event by event through ``apply``.
    """

    async def apply_batch(
        self, ctx: ProjectionContext, items: Sequence[tuple[DomainEvent, Envelope]]
    ) -> None:
        """Apply ``items`` (in arrival order) as ``apply`` would one by one."""
        ...
