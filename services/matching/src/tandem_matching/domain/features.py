"""Candidates as numeric arrays, so that scoring a block of pairs is a handful of numpy calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tandem_matching.domain.profile import Candidate

STYLES = {"sync": 0, "async": 1, "either": 2}
TIMES_OF_DAY = {"any": 0, "morning": 1, "midday": 2, "afternoon": 3, "evening": 4}


@dataclass(frozen=True)
class Features:
    """One row per candidate; tag sets as 0/1 matrices over a shared vocabulary."""

    level: np.ndarray
    department: np.ndarray
    offered: np.ndarray
    sought: np.ndarray
    goals: np.ndarray
    languages: np.ndarray
    style: np.ndarray
    minutes: np.ndarray
    every_days: np.ndarray
    time_of_day: np.ndarray
    utc_start: np.ndarray
    work_hours: np.ndarray
    personality: np.ndarray  # n × 5, NaN where unanswered

    def take(self, rows: np.ndarray | slice) -> Features:
        """The features of a subset of the candidates."""
        return Features(**{k: v[rows] for k, v in self.__dict__.items()})

    def __len__(self) -> int:
        return int(self.level.shape[0])


def _tag_matrix(sets: Sequence[frozenset[str]], vocabulary: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(sets), max(1, len(vocabulary))), dtype=np.float32)
    # Row numbers repeated by each set's size, columns read in one pass: no Python list of
    # row numbers (encoding a 10k pool: 0.135 -> 0.11 s of CPU, the same matrices).
    rows = np.repeat(np.arange(len(sets)), np.fromiter(map(len, sets), np.intp, len(sets)))
    cols = np.fromiter((vocabulary[tag] for tags in sets for tag in tags), np.intp, rows.size)
    matrix[rows, cols] = 1.0  # one assignment, not one per tag
    return matrix


def _vocabulary(*groups: Sequence[frozenset[str]]) -> dict[str, int]:
    words = sorted(frozenset().union(*(tags for group in groups for tags in group)))
    return {word: i for i, word in enumerate(words)}


def encode(candidates: Sequence[Candidate]) -> Features:
    """Encode ``candidates`` (in order) as arrays."""
    offered = [c.skills_offered for c in candidates]
    sought = [c.skills_sought for c in candidates]
    skills = _vocabulary(offered, sought)
    goals = [c.goals for c in candidates]
    languages = [c.languages for c in candidates]
    departments = {d: i for i, d in enumerate(sorted({c.department for c in candidates}))}
    personality = np.full((len(candidates), 5), np.nan)
    for row, c in enumerate(candidates):
        if c.personality is not None:
            personality[row] = c.personality.as_tuple()
    return Features(
        level=np.array([c.level for c in candidates], dtype=np.int64),
        department=np.array([departments[c.department] for c in candidates], dtype=np.int64),
        offered=_tag_matrix(offered, skills),
        sought=_tag_matrix(sought, skills),
        goals=_tag_matrix(goals, _vocabulary(goals)),
        languages=_tag_matrix(languages, _vocabulary(languages)),
        style=np.array([STYLES.get(c.meeting_style, 2) for c in candidates], dtype=np.int64),
        minutes=np.array([c.meeting_minutes for c in candidates], dtype=np.float64),
        every_days=np.array([c.every_days for c in candidates], dtype=np.float64),
        time_of_day=np.array([TIMES_OF_DAY.get(c.time_of_day, 0) for c in candidates]),
        utc_start=np.array([c.utc_start for c in candidates], dtype=np.float64),
        work_hours=np.array([c.work_hours for c in candidates], dtype=np.float64),
        personality=personality,
    )


def overlap_hours(a: Features, b: Features, *, paired: bool = False) -> np.ndarray:
    """Hours per day that both working windows share (on the 24-hour circle): rows × cols, or
    row i of ``a`` with row i of ``b`` when ``paired``."""
    sa, sb = across(a.utc_start, b.utc_start, paired)
    la, lb = across(a.work_hours, b.work_hours, paired)
    total = np.zeros(np.broadcast_shapes(sa.shape, sb.shape))
    for shift in (-24.0, 0.0, 24.0):
        total += np.clip(np.minimum(sa + la, sb + shift + lb) - np.maximum(sa, sb + shift), 0, None)
    return np.asarray(np.minimum(total, np.minimum(la, lb)))


def across(x: np.ndarray, y: np.ndarray, paired: bool) -> tuple[np.ndarray, np.ndarray]:
    """``x`` and ``y`` shaped to combine every row with every row, or row i with row i."""
    return (x, y) if paired else (x[:, None], y[None, :])
