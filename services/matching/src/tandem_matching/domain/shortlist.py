"""An approximate score for every pair of two groups, cheap enough to rank them all, so that
only each person's best candidates are scored exactly (see decision 0029).

Most parts of the score depend on one of a few values per person: the working pattern
(work style and shared hours), the personality answers, the language set, the department, the
level. Each such part becomes a table over those values, computed once by the exact scorer, and
a pair's entry is a row of the table times a one-hot column: with goals (linear in their unit
rows), all of them make one float32 matrix product per block. Skills, non-linear over many
sets, take one more product, whose integer entries index a table. A broken hard constraint
weighs -BARRED.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tandem_matching.domain.features import Features, overlap_hours
from tandem_matching.domain.fit import TRAITS_SCORED, components
from tandem_matching.domain.scoring import ScoringPolicy

BARRED = 1e6


@dataclass(frozen=True)
class Side:
    """One side of a block: its people's facet matrix and skill rows."""

    facets: np.ndarray
    skills: np.ndarray


@dataclass(frozen=True)
class Shortlist:
    """Each person's type in every tabled facet, with the tables and weighted goal rows.

    A table is kept as a product of its row side and column side, per type: a table that is a
    sum of few simpler ones (personality: one per trait) factors into narrow sides.
    """

    lefts: tuple[np.ndarray, ...]
    rights: tuple[np.ndarray, ...]
    kinds: tuple[np.ndarray, ...]
    goals: np.ndarray
    goals_weight: float
    # Row side [offered × base, sought], column side [sought, offered]: their product is
    # a_gives × base + b_gives, which indexes the skills part's table.
    skills_rows: np.ndarray
    skills_cols: np.ndarray
    skills_table: np.ndarray

    def rows(self, people: np.ndarray) -> Side:
        """The row side: table rows of each person's types, goals weighted."""
        parts = [t[k[people]] for t, k in zip(self.lefts, self.kinds, strict=True)]
        parts.append(self.goals_weight * self.goals[people])
        return Side(np.hstack(parts), self.skills_rows[people])

    def cols(self, people: np.ndarray) -> Side:
        """The column side: table columns of each person's types, unit goal rows."""
        parts = [t[k[people]] for t, k in zip(self.rights, self.kinds, strict=True)]
        return Side(np.hstack([*parts, self.goals[people]]), self.skills_cols[people])

    def approximate(self, rows: Side, cols: Side) -> np.ndarray:
        """Rows × cols approximate scores; below -BARRED / 2 where a hard constraint breaks."""
        # int32 indices (exact: the table has base² < 2**24 entries): a block's conversion and
        # look-up take a fifth less time than with intp.
        given = (rows.skills @ cols.skills.T).astype(np.int32)
        score = rows.facets @ cols.facets.T
        score += self.skills_table[given]
        return np.asarray(score)


def shortlist(features: Features, policy: ScoringPolicy) -> Shortlist:
    """The tables and types of ``features`` under ``policy``'s weights and constraints."""
    w = {c: max(0.0, v) for c, v in policy.weights.items()}
    positive = {"skills", "goals", "work_style", "personality", "cross_team"}
    if policy.cross_team == "indifferent":
        positive.discard("cross_team")
    scale = 100 / (sum(w.get(c, 0.0) for c in positive) or 1.0)

    def part(name: str) -> Callable[[Features], np.ndarray]:
        weight = scale * w.get(name, 0.0) if name in positive else 0.0
        return lambda reps: np.asarray(weight * components(reps, reps, policy)[name])

    def hours(reps: Features) -> np.ndarray:
        short = overlap_hours(reps, reps) + 1e-9 < policy.min_overlap_hours
        return np.asarray(part("work_style")(reps) - BARRED * short)

    def level(reps: Features) -> np.ndarray:
        gap = components(reps, reps, policy)["level_gap"]
        far = np.abs(reps.level[:, None] - reps.level[None, :]) > policy.max_level_gap
        return np.asarray(-scale * w.get("level_gap", 0.0) * np.minimum(gap, 1.0) - BARRED * far)

    f = features
    schedule = np.column_stack(
        [f.style, f.every_days, f.minutes, f.time_of_day, f.utc_start, f.work_hours]
    )
    facets = [
        (schedule, hours),
        (np.nan_to_num(f.personality[:, TRAITS_SCORED], nan=-1.0), part("personality")),
        (f.department[:, None], part("cross_team")),
        (f.level[:, None], level),
        (f.languages, lambda reps: -BARRED * ((reps.languages @ reps.languages.T) == 0)),
    ]
    lefts, rights, kinds = [], [], []
    for keys, table in facets:
        _, first, kind = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        left, right = _factored(table(f.take(first)))
        lefts.append(left)
        rights.append(right)
        kinds.append(kind.ravel())
    sizes = np.sqrt(f.goals.sum(1, keepdims=True))
    goals = np.divide(f.goals, sizes, out=np.zeros_like(f.goals), where=sizes > 0)
    return Shortlist(
        lefts=tuple(lefts),
        rights=tuple(rights),
        kinds=tuple(kinds),
        goals=goals.astype(np.float32),
        goals_weight=scale * w.get("goals", 0.0),
        **_skills(f, scale * w.get("skills", 0.0)),
    )


def _factored(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sides whose product is ``table``: narrower ones where its rank allows and it bars none
    (a barred entry's size would swamp the float32 precision of the others)."""
    side = np.eye(table.shape[0], dtype=np.float32)
    if table.shape[0] < 8 or np.abs(table).max(initial=0) >= BARRED / 2:
        return table.astype(np.float32), side
    u, s, vt = np.linalg.svd(table)
    rank = int(np.count_nonzero(s > 1e-9 * s[0])) if s[0] > 0 else 0
    if rank * 2 > table.shape[0]:
        return table.astype(np.float32), side
    return (u[:, :rank] * s[:rank]).astype(np.float32), vt[:rank].T.astype(np.float32)


def _skills(f: Features, weight: float) -> dict[str, np.ndarray]:
    """The skill rows of both sides and the weighted skills part for each index."""
    base = int(max(f.offered.sum(1).max(initial=0), f.sought.sum(1).max(initial=0))) + 1
    # The index must stay an exact integer in the product's float type.
    exact = np.float32 if base * base < 2**24 else np.float64
    a_gives, b_gives = np.divmod(np.arange(base * base), base)
    return {
        "skills_rows": np.hstack([f.offered * base, f.sought]).astype(exact),
        "skills_cols": np.hstack([f.sought, f.offered]).astype(exact),
        "skills_table": (weight * (1 - (0.2**a_gives + 0.2**b_gives) / 2)).astype(np.float32),
    }
