"""How long to wait before trying a temporary failure again: exponential, capped, jittered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with equal jitter, up to ``max_attempts`` attempts in all."""

    base: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=1)
    max_attempts: int = 8

    def allows_another(self, attempts: int) -> bool:
        """True while fewer than ``max_attempts`` attempts were made."""
        return attempts < self.max_attempts

    def delay(self, attempts: int, jitter: float) -> timedelta:
        """The wait after the ``attempts``-th failure; ``jitter`` in [0, 1) spreads a herd.

        Half the delay is fixed and half random, so retries never bunch at zero wait.
        """
        if not 0.0 <= jitter < 1.0:
            raise ValueError("jitter must be in [0, 1)")
        ceiling = min(self.cap, self.base * self.factor ** max(0, attempts - 1))
        return ceiling / 2 + ceiling / 2 * jitter
