"""How long the relay waits after a read that found nothing to publish.

Each read is a query (and a little Python) whether or not anything was appended: at one read
every 20 ms a quiet service spent about 5 % of a core on its relay, PostgreSQL included
(bench/e2e/latency.py, ``idle_cpu_ms_per_second``). While events flow the relay keeps reading
every ``first`` seconds; once nothing came for ``patience`` reads in a row it waits longer
and longer, up to ``ceiling``. The first event after a quiet spell then waits at most
``ceiling`` for its read; the next ones are read at the short pace again (ADR 0034).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DOUBLINGS = 16  # keeps 2**n small; the ceiling is reached long before


@dataclass
class IdlePace:
    """The wait before the next read, from how many reads in a row found nothing."""

    first: float = 0.02
    ceiling: float = 0.1
    patience: int = 10
    empty_reads: int = 0

    def found_rows(self) -> None:
        """Events flow: read at the short pace again."""
        self.empty_reads = 0

    def after_empty_read(self) -> float:
        """Seconds to wait before the next read."""
        self.empty_reads += 1
        beyond = min(self.empty_reads - self.patience, MAX_DOUBLINGS)
        if beyond <= 0:
            return self.first
        return max(self.first, min(self.ceiling, self.first * 2.0**beyond))
