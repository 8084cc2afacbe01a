"""Which people of a very large level group a chunk of rows is ranked against (decision 0032).

At 100,000 people ranking every allowed pair is about 3 billion cells. A level group larger
than ``SAMPLED_COLUMNS`` is ranked in chunks of rows, each against its own random subset of
that many of the group's people: everyone is still a column for some chunks, so nobody is left
with partners only among a favoured few. The draws are seeded from the pool's person ids, so
the same pool gives the same graph; a group at or below the limit is ranked in full, as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

# Columns a chunk of rows is ranked against in one level group. Sampling costs weight: a
# row's best partners among a sample are worse than among everyone (at 100,000 people a
# sample of 2,048 per group made the round 2.1 % lighter for a third of the ranking's CPU), so
# it is kept for groups beyond what ranking in full affords; the bench's 100,000 people (up
# to 18,000 a group, about 60 s of ranking) are ranked in full.
SAMPLED_COLUMNS = 20_000


class ColumnSample:
    """A seeded source of column subsets, drawn in the (deterministic) order of the blocks."""

    def __init__(self, person_ids: Sequence[str], limit: int = SAMPLED_COLUMNS) -> None:
        digest = hashlib.sha256("\n".join(person_ids).encode()).digest()
        self._rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
        self.limit = limit
        self.used = False

    def width(self, columns: int) -> int:
        """How many of a group's ``columns`` each chunk of rows is ranked against."""
        return min(columns, self.limit)

    def draw(self, columns: int) -> np.ndarray | None:
        """Sorted positions of the columns for the next chunk; None when all are ranked."""
        if columns <= self.limit:
            return None
        self.used = True
        return np.sort(self._rng.choice(columns, self.limit, replace=False))
