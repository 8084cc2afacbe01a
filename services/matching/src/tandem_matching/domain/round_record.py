"""A previewed round as kept between preview and commit: its plan and the pool it was made of."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.quality import RoundQuality
from tandem_matching.domain.rounds import ProposedPair, RoundPlan


@dataclass(frozen=True)
class StoredPreview:
    """What a preview token stands for."""

    token: str
    program_id: str
    program_version: int
    pool_hash: str
    plan: dict[str, Any]


def pool_hash(pool: Sequence[Candidate]) -> str:
    """A digest of everything about the pool that a plan depends on (same pool, same digest)."""
    people = sorted((asdict(c) for c in pool), key=lambda c: str(c["person_id"]))
    canonical = json.dumps(people, sort_keys=True, default=sorted)  # frozensets, in order
    return hashlib.sha256(canonical.encode()).hexdigest()


def plan_as_json(plan: RoundPlan) -> dict[str, Any]:
    """The plan as JSON data."""
    return asdict(plan)


def plan_from_json(data: dict[str, Any]) -> RoundPlan:
    """The plan back from JSON data."""
    pairs = [
        ProposedPair(tuple(p["member_ids"]), p["score"], p["components"], tuple(p["reasons"]))
        for p in data["pairs"]
    ]
    quality = RoundQuality(**data["quality"]) if data.get("quality") else None
    return RoundPlan(pairs, data["unmatched"], data["total_score"], data["exact"], quality)
