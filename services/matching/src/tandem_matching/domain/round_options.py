"""What an admin may fix before a round: pinned pairs (made as given) and excluded pairs."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from tandem_matching.domain.constraints import violations
from tandem_matching.domain.errors import Conflict, Invalid
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.scoring import ScoringPolicy


def check_options(
    pins: Sequence[Sequence[str]],
    excludes: Sequence[Sequence[str]],
    pool: Sequence[Candidate],
    policy: ScoringPolicy,
) -> None:
    """Pins name free, enrolled people once each and keep the rules; excludes name the pool."""
    by_id = {c.person_id: c for c in pool}
    seen: set[str] = set()
    for i, pin in enumerate(pins):
        where = ("body", "pins", i)
        if len(set(pin)) != len(pin):
            raise Invalid(where, "a pinned pair needs different people")
        unknown = [m for m in pin if m not in by_id]
        if unknown:
            raise Invalid(where, f"not free to pair in this program: {', '.join(unknown)}")
        twice = seen & set(pin)
        if twice:
            raise Invalid(where, f"pinned twice: {', '.join(sorted(twice))}")
        seen.update(pin)
        broken = [
            f"{a}–{b}: {v}"
            for a, b in itertools.combinations(pin, 2)
            for v in violations(by_id[a], by_id[b], policy)
        ]
        if broken:
            raise Conflict("a pinned pair breaks the program's rules", pin=i, violations=broken)
    pinned = {frozenset(p) for p in pins}
    for i, pair in enumerate(excludes):
        where = ("body", "excludes", i)
        if len(set(pair)) != 2:
            raise Invalid(where, "an excluded pair names two different people")
        unknown = [m for m in pair if m not in by_id]
        if unknown:
            raise Invalid(where, f"not free to pair in this program: {', '.join(unknown)}")
        if any(frozenset(pair) <= p for p in pinned):
            raise Invalid(where, "this pair is also pinned")
