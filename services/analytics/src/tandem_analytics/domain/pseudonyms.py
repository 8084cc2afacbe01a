"""Stable pseudonyms for people: a keyed hash, so the analytics data never holds a person id."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from tandem_analytics.domain.errors import WeakPseudonymKey

MIN_KEY_BYTES = 16
# Pseudonyms remembered: a keyed hash costs ~10 us and the same few thousand people recur
# in every batch; past this many (more people than an organisation has) start afresh.
REMEMBERED = 1 << 19


@dataclass(frozen=True)
class Pseudonyms:
    """HMAC-SHA256 of a person id under a secret key; without the key, not reversible."""

    key: bytes
    _known: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.check_key()

    def check_key(self) -> None:
        """A short key could be brute-forced over the (small) space of person ids."""
        if len(self.key) < MIN_KEY_BYTES:
            raise WeakPseudonymKey(MIN_KEY_BYTES)

    def of(self, person_id: str) -> str:
        """The pseudonym of ``person_id`` (24 hex digits: 96 bits, no practical collisions)."""
        known = self._known.get(person_id)
        if known is None:
            if len(self._known) >= REMEMBERED:
                self._known.clear()
            known = hmac.new(self.key, person_id.encode(), hashlib.sha256).hexdigest()[:24]
            self._known[person_id] = known
        return known

    def of_all(self, person_ids: tuple[str, ...] | list[str]) -> list[str]:
        """Pseudonyms of several people, in order."""
        return [self.of(p) for p in person_ids]
