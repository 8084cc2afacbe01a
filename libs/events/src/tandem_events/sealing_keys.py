"""Unwrapped data keys kept briefly in memory, for sealing only.

Sealing a note read the person's wrapped key from the database on every command: one round
trip of about eight. A process may keep the unwrapped key for ``ttl`` seconds and seal with
it. Erasure still wins: the cache serves :meth:`PersonKeyring.seal` and never ``unseal``, so
once the wrapped key is deleted no text -- old, or sealed from the cache in the last seconds
-- opens anywhere; the key itself leaves this process's memory by ``ttl`` at the latest (at
once when the erasure runs on the same keyring). The one visible difference: for up to
``ttl`` after an erasure made by another process, a write by the erased person is sealed
with a key nobody holds any more instead of being refused.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

DEFAULT_TTL_SECONDS = 30.0
DEFAULT_CAPACITY = 10_000


class SealingKeys:
    """Person id to unwrapped data key, each for ``ttl`` seconds, at most ``capacity`` keys."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL_SECONDS,
        capacity: int = DEFAULT_CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._capacity = capacity
        self._clock = clock
        self._keys: OrderedDict[str, tuple[bytes, float]] = OrderedDict()

    def get(self, person_id: str) -> bytes | None:
        """The person's key if it was kept less than ``ttl`` ago."""
        kept = self._keys.get(person_id)
        if kept is None:
            return None
        key, until = kept
        if self._clock() >= until:
            del self._keys[person_id]
            return None
        return key

    def keep(self, person_id: str, key: bytes) -> None:
        """Keep ``key`` from now for ``ttl`` seconds (the oldest goes when full)."""
        self._keys.pop(person_id, None)
        self._keys[person_id] = (key, self._clock() + self._ttl)
        while len(self._keys) > self._capacity:
            self._keys.popitem(last=False)

    def forget(self, person_id: str) -> None:
        """Drop the person's key (an erasure in this process)."""
        self._keys.pop(person_id, None)
