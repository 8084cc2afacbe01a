"""An in-memory event store with the real one's contract, for handler tests with no server."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tandem_events.errors import ConcurrencyError
from tandem_service.commands import StreamStore

A = TypeVar("A")


@dataclass(frozen=True)
class MemoryAppend:
    """What an in-memory append reports."""

    stream_id: str
    version: int


@dataclass
class InMemoryStreams:
    """Streams of events in a dict; appends check the expected version like the store does."""

    streams: dict[str, list[Any]] = field(default_factory=dict)

    async def append(
        self, stream_id: str, expected_version: int, events: Sequence[Any], *, conn: Any = None
    ) -> MemoryAppend:
        """Append if the stream is still at ``expected_version``, else ConcurrencyError."""
        if not events:
            raise ValueError("nothing to append")
        stream = self.streams.setdefault(stream_id, [])
        if len(stream) != expected_version:
            raise ConcurrencyError(stream_id, expected_version)
        stream.extend(events)
        return MemoryAppend(stream_id, len(stream))

    async def append_streams(
        self, appends: Sequence[tuple[str, int, Sequence[Any]]], *, conn: Any = None
    ) -> None:
        """Append to each stream in turn (the store does it in one statement)."""
        for stream_id, expected_version, events in appends:
            if events:
                await self.append(stream_id, expected_version, events)

    async def load(
        self, stream_id: str, initial: A, apply: Callable[[A, Any], A], *, conn: Any = None
    ) -> tuple[A, int]:
        """Fold the stream into an aggregate; returns it and its version."""
        state = initial
        for event in self.streams.get(stream_id, []):
            state = apply(state, event)
        return state, len(self.streams.get(stream_id, []))

    def as_store(self) -> StreamStore:
        """This fake, checked against the port the handlers use."""
        return self

    def events(self, stream_id: str) -> list[Any]:
        """What the stream holds."""
        return list(self.streams.get(stream_id, []))
