"""The candidate graph: every allowed pair worth considering, scored, without all n² pairs.

People are blocked by level: a level only meets the levels within the policy's gap. Inside a
block, rows are ranked in chunks by the shortlist's approximate score and each person keeps
their ``top_k`` best candidates; only those edges are scored exactly, so a large pool gives a
sparse graph (about ``top_k`` edges per person and level group).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from tandem_matching.domain.column_sample import SAMPLED_COLUMNS, ColumnSample
from tandem_matching.domain.constraints import exclusions
from tandem_matching.domain.features import Features, encode
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.scoring import ScoringPolicy, scored_pairs
from tandem_matching.domain.shortlist import BARRED, Shortlist, Side, shortlist

CHUNK_ROWS = 512
# Cells ranked at once: bounds a chunk's temporaries (about 16 bytes a cell) in huge groups.
CHUNK_CELLS = 1 << 20
# Candidates each person keeps in all: enough for a near-perfect matching (a 10,000-person
# round weighs more with 48 than with 250, as the solver is then exact on more of the graph),
# few enough for the solver to be quick.
CANDIDATES_PER_PERSON = 48
ALL_PAIRS = "all allowed pairs"
# Kept edges scored exactly at once: bounds the temporary arrays.
RESCORED_PER_SLICE = 65_536
Item = TypeVar("Item")
Done = TypeVar("Done")
# Threads ranking level blocks, or rescoring slices of edges, at once (the service runs on
# two cores or more; numpy lets go of the interpreter for most of this work).
RANKING_THREADS = 2


@dataclass(frozen=True)
class CandidateGraph:
    """Edges u < v (indices into the candidate list) with their scores."""

    n: int
    us: np.ndarray
    vs: np.ndarray
    ws: np.ndarray
    # False when some person kept only their best candidates: a bound over this graph then
    # need not bound the best matching over all allowed pairs.
    complete: bool = True
    # True when rows of a very large level group were ranked against a sample of it only.
    sampled: bool = False
    # The people's encoded features, kept to score the chosen pairs without encoding again.
    features: Features | None = None

    def degree(self) -> np.ndarray:
        """How many candidates each person has."""
        return np.bincount(np.concatenate([self.us, self.vs]), minlength=self.n)


def per_group(policy: ScoringPolicy) -> int:
    """Candidates a person keeps in each level group: they meet up to 2 × gap + 1 groups."""
    return -(-CANDIDATES_PER_PERSON // (2 * policy.max_level_gap + 1))


def best_candidates(policy: ScoringPolicy, *, sampled: bool = False) -> str:
    """What the bound covers when people kept only their best candidates, in plain words."""
    groups = 2 * policy.max_level_gap + 1
    among = (
        f" (in a level group of more than {SAMPLED_COLUMNS:,} people, ranked among a seeded"
        f" random {SAMPLED_COLUMNS:,} of them, drawn anew for every few hundred people)"
        if sampled
        else ""
    )
    return (
        f"each person's {per_group(policy)} best-ranked allowed partners in each of up to"
        f" {groups} level groups{among}; a pair outside these could make the best round better"
        " than lp_bound"
    )


def build_graph(
    candidates: Sequence[Candidate],
    policy: ScoringPolicy,
    *,
    top_k: int | None,
    sampled_columns: int | None = SAMPLED_COLUMNS,
) -> CandidateGraph:
    """Rank the allowed pairs, block by level, keep each person's ``top_k`` best, and score
    those exactly. With ``top_k``, rows are ranked against at most ``sampled_columns`` people
    of a level group (see column_sample)."""
    features = encode(candidates)
    sample = (
        ColumnSample([c.person_id for c in candidates], sampled_columns)
        if top_k is not None and sampled_columns is not None
        else None
    )
    ranking = shortlist(features, policy)
    by_level: dict[int, np.ndarray] = {}
    for level in np.unique(features.level):
        by_level[int(level)] = np.flatnonzero(features.level == level)
    banned = exclusions(candidates)
    # Both directions: a row's barred partners, whichever side of the pair it is on.
    barred = (np.r_[banned[0], banned[1]], np.r_[banned[1], banned[0]])
    blocks = [
        (rows, cols, gap == 0)
        for level, rows in by_level.items()
        for gap in range(policy.max_level_gap + 1)
        if (cols := by_level.get(level + gap)) is not None
    ]
    complete = all(top_k is None or cols.size <= top_k for _, cols, _ in blocks)

    def rank(block: tuple[np.ndarray, np.ndarray, bool]) -> list[tuple[np.ndarray, np.ndarray]]:
        return _block(ranking, block[0], block[1], top_k, barred, sample, same=block[2])

    # Blocks are independent unless a sample is drawn (the draws follow the blocks' order),
    # and their numpy work lets go of the interpreter: two threads rank them side by side.
    drawing = sample is not None and any(sample.width(c.size) < c.size for _, c, _ in blocks)
    ranked = _in_order(rank, blocks, threads=not drawing)
    parts = [part for found in ranked for part in found]
    if parts:
        us, vs = (np.concatenate(column) for column in zip(*parts, strict=True))
    else:
        us, vs = np.zeros(0, np.int64), np.zeros(0, np.int64)
    us, vs = _without_exclusions(len(candidates), us, vs, banned)

    def rescore(start: int) -> np.ndarray:
        left = features.take(us[start : start + RESCORED_PER_SLICE])
        right = features.take(vs[start : start + RESCORED_PER_SLICE])
        return scored_pairs(left, right, policy)[0]

    slices = range(0, us.size, RESCORED_PER_SLICE)
    ws = np.concatenate([np.zeros(0), *_in_order(rescore, slices, threads=True)])
    sampled = sample is not None and sample.used
    return CandidateGraph(len(candidates), us, vs, ws, complete and not sampled, sampled, features)


def _in_order(work: Callable[[Item], Done], items: Sequence[Item], *, threads: bool) -> list[Done]:
    """``work`` of each item, in the items' order: on RANKING_THREADS threads if ``threads``."""
    if threads and RANKING_THREADS > 1 and len(items) > 1:
        with ThreadPoolExecutor(RANKING_THREADS) as side_by_side:
            return list(side_by_side.map(work, items))
    return [work(item) for item in items]


def _block(
    ranking: Shortlist,
    rows: np.ndarray,
    cols: np.ndarray,
    top_k: int | None,
    barred: tuple[np.ndarray, np.ndarray],
    sample: ColumnSample | None,
    *,
    same: bool,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The allowed pairs between two level groups that rank in a row's ``top_k``."""
    found = []
    every = ranking.cols(cols)
    row_at, col_at = _positions(barred, rows, cols)
    width = sample.width(cols.size) if sample is not None else cols.size
    step = min(CHUNK_ROWS, max(1, CHUNK_CELLS // width))
    for start in range(0, rows.size, step):
        chunk = rows[start : start + step]
        lo, hi = np.searchsorted(row_at, [start, start + step])
        barred_rows, barred_cols = row_at[lo:hi] - start, col_at[lo:hi]
        pick = sample.draw(cols.size) if sample is not None else None
        if pick is None:
            ranked, right = cols, every
        else:
            ranked, right = cols[pick], Side(every.facets[pick], every.skills[pick])
            where = np.full(cols.size, -1)
            where[pick] = np.arange(pick.size)
            inside = where[barred_cols] >= 0
            barred_rows, barred_cols = barred_rows[inside], where[barred_cols[inside]]
        score = ranking.approximate(ranking.rows(chunk), right)
        if same:
            # One level group on both sides (rows is cols): row i of the chunk is column
            # start + i (or its place in the sample), no need to compare every cell.
            own = (
                np.arange(start, start + chunk.size)
                if pick is None
                else where[start : start + chunk.size]
            )
            score[np.flatnonzero(own >= 0), own[own >= 0]] = -BARRED
        # Barred before the ranking: past partners score high (they were chosen for it), and a
        # row whose best were all barred would otherwise keep no candidate at all.
        score[barred_rows, barred_cols] = -BARRED
        if top_k is not None and ranked.size > top_k:
            keep = np.argpartition(score, -top_k, axis=1)[:, -top_k:]
            r = np.repeat(np.arange(chunk.size), top_k)
            c = keep.ravel()
            ok = score[r, c] > -BARRED / 2
            r, c = r[ok], c[ok]
        else:
            r, c = np.nonzero(score > -BARRED / 2)
        u, v = chunk[r], ranked[c]
        found.append((np.minimum(u, v), np.maximum(u, v)))
    return found


def _positions(
    barred: tuple[np.ndarray, np.ndarray], rows: np.ndarray, cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The barred pairs inside this block as (row position, column position), by row."""
    n = int(max(rows.max(initial=-1), cols.max(initial=-1), *(b.max(initial=-1) for b in barred)))
    row_pos, col_pos = np.full(n + 1, -1), np.full(n + 1, -1)
    row_pos[rows], col_pos[cols] = np.arange(rows.size), np.arange(cols.size)
    r, c = row_pos[barred[0]], col_pos[barred[1]]
    inside = (r >= 0) & (c >= 0)
    order = np.argsort(r[inside], kind="stable")
    return r[inside][order], c[inside][order]


def _without_exclusions(
    n: int, us: np.ndarray, vs: np.ndarray, banned: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Drop repeated edges (a pair seen from both sides) and the person-level exclusions."""
    key = np.sort(us.astype(np.int64) * n + vs.astype(np.int64))
    key = key[np.r_[True, key[1:] != key[:-1]]] if key.size else key  # sorted, no repeats
    if banned[0].size:
        key = key[~np.isin(key, banned[0] * n + banned[1])]
    return key // n, key % n
