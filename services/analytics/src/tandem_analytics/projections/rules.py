"""How rows that meet again within a batch merge: by the rule their table's upsert applies.

One ``INSERT ... ON CONFLICT DO UPDATE`` cannot touch the same row twice, so the batch
merges them first; each rule is idempotent and order-free, as the upserts are (ADR 0043).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Row = tuple[Any, ...]
Rule = Callable[[Row, Row], Row]


def least(a: Any, b: Any) -> Any:
    """SQL's LEAST: the smaller, ignoring NULL."""
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def earliest_from(start: int) -> Rule:
    """Keep the fields before ``start``; the later fields take the earliest non-NULL value."""

    def rule(old: Row, new: Row) -> Row:
        later = zip(old[start:], new[start:], strict=True)
        return old[:start] + tuple(least(a, b) for a, b in later)

    return rule


def latest_by(*positions: int) -> Rule:
    """The row whose fields at ``positions`` (compared as a tuple) are the greater wins."""

    def rule(old: Row, new: Row) -> Row:
        return new if [new[p] for p in positions] > [old[p] for p in positions] else old

    return rule
