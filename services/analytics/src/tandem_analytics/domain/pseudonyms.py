"""Stable pseudonyms for people: a keyed hash, so the analytics data never holds a person id."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from tandem_analytics.domain.errors import WeakPseudonymKey

MIN_KEY_BYTES = 16


@dataclass(frozen=True)
class Pseudonyms:
    """HMAC-SHA256 of a person id under a secret key; without the key, not reversible."""

    key: bytes

    def __post_init__(self) -> None:
        self.check_key()

    def check_key(self) -> None:
        """A short key could be brute-forced over the (small) space of person ids."""
        if len(self.key) < MIN_KEY_BYTES:
            raise WeakPseudonymKey(MIN_KEY_BYTES)

    def of(self, person_id: str) -> str:
        """The pseudonym of ``person_id`` (24 hex digits: 96 bits, no practical collisions)."""
        return hmac.new(self.key, person_id.encode(), hashlib.sha256).hexdigest()[:24]

    def of_all(self, person_ids: tuple[str, ...] | list[str]) -> list[str]:
        """Pseudonyms of several people, in order."""
        return [self.of(p) for p in person_ids]
