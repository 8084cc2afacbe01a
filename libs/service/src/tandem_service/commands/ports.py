"""What the command side needs from the event store: an append's report, and the store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

A = TypeVar("A")


class Appended(Protocol):
    """What an append reports."""

    @property
    def stream_id(self) -> str: ...

    @property
    def version(self) -> int: ...


class StreamStore(Protocol):
    """The event store as handlers use it (``tandem_events.store.EventStore`` or a fake)."""

    async def append(
        self, stream_id: str, expected_version: int, events: Sequence[Any], *, conn: Any = None
    ) -> Appended: ...

    async def append_streams(
        self, appends: Sequence[tuple[str, int, Sequence[Any]]], *, conn: Any = None
    ) -> None: ...

    async def load(
        self, stream_id: str, initial: A, apply: Callable[[A, Any], A], *, conn: Any = None
    ) -> tuple[A, int]: ...
