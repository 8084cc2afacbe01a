"""Synthetic participant pools with realistic structure, as candidate graphs for the solver."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Share of each level 1..8: pyramids are wide in the middle, thin at the top.
LEVEL_SHARES = np.array([0.08, 0.14, 0.18, 0.18, 0.16, 0.12, 0.09, 0.05])
# Office sites as UTC offsets (hours) with their share of people.
SITE_OFFSETS = np.array([-8.0, -5.0, 0.0, 1.0, 2.0, 5.5, 8.0, 9.0])
SITE_SHARES = np.array([0.12, 0.22, 0.14, 0.18, 0.08, 0.12, 0.08, 0.06])
DEPARTMENTS = 12
SKILLS = 24
GOALS = 10
TRAITS = 5
MAX_LEVEL_GAP = 2
MAX_OFFSET_GAP = 7.0


@dataclass(frozen=True)
class CandidateGraph:
    """A candidate graph: nodes 0..n-1, edges (us[i], vs[i]) with weights ws[i] in [0, 100]."""

    n: int
    us: np.ndarray
    vs: np.ndarray
    ws: np.ndarray

    @property
    def cents(self) -> np.ndarray:
        """Weights as integer hundredths, the exact form the peers need."""
        return np.rint(self.ws * 100).astype(np.int64)


def make_pool(n: int, candidates: int = 50, seed: int = 7) -> CandidateGraph:
    """Build a pool of n people and their compatible candidates (about `candidates` each)."""
    rng = np.random.default_rng(seed)
    level = rng.choice(np.arange(1, 9), size=n, p=LEVEL_SHARES)
    site = rng.choice(len(SITE_OFFSETS), size=n, p=SITE_SHARES)
    dept_shares = 1.0 / np.arange(1, DEPARTMENTS + 1)
    dept = rng.choice(DEPARTMENTS, size=n, p=dept_shares / dept_shares.sum())
    offers = rng.random((n, SKILLS)) * (rng.random((n, SKILLS)) < 0.25)
    wants = rng.random((n, SKILLS)) * (rng.random((n, SKILLS)) < 0.25)
    goals = (rng.random((n, GOALS)) < 0.3).astype(np.float64)
    traits = rng.integers(1, 6, size=(n, TRAITS)).astype(np.float64)

    us, vs = _sample_compatible(rng, level, site, candidates // 2)
    # Undirected, without self-pairs or repeats.
    lo, hi = np.minimum(us, vs), np.maximum(us, vs)
    keep = lo != hi
    key = np.unique(lo[keep].astype(np.int64) * n + hi[keep])
    us, vs = (key // n).astype(np.int64), (key % n).astype(np.int64)

    give = (offers[us] * wants[vs]).sum(1) + (offers[vs] * wants[us]).sum(1)
    give = give / (give.max() or 1.0)
    g_u, g_v = goals[us], goals[vs]
    shared = (g_u * g_v).sum(1) / np.sqrt(g_u.sum(1) * g_v.sum(1) + 1e-9)
    alike = 1.0 - np.abs(traits[us] - traits[vs]).mean(1) / 4.0
    cross = (dept[us] != dept[vs]).astype(np.float64)
    gap = np.abs(level[us] - level[vs]) / MAX_LEVEL_GAP
    raw = 0.45 * give + 0.25 * shared + 0.15 * alike + 0.15 * cross - 0.2 * gap
    ws = np.round(np.clip(raw, 0.0, 1.0) * 100.0, 2)
    return CandidateGraph(n=n, us=us, vs=vs, ws=ws)


def _sample_compatible(
    rng: np.random.Generator, level: np.ndarray, site: np.ndarray, per_person: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each person, draw `per_person` random peers within the level and hours gap."""
    us: list[np.ndarray] = []
    vs: list[np.ndarray] = []
    by_group = {
        (lv, s): np.flatnonzero((level == lv) & (site == s))
        for lv in range(1, 9)
        for s in range(len(SITE_OFFSETS))
    }
    for (lv, s), members in by_group.items():
        if members.size == 0:
            continue
        pool = np.concatenate(
            [
                idx
                for (lv2, s2), idx in by_group.items()
                if abs(lv2 - lv) <= MAX_LEVEL_GAP
                and abs(SITE_OFFSETS[s2] - SITE_OFFSETS[s]) <= MAX_OFFSET_GAP
            ]
        )
        picks = pool[rng.integers(0, pool.size, size=(members.size, per_person))]
        us.append(np.repeat(members, per_person))
        vs.append(picks.ravel())
    return np.concatenate(us), np.concatenate(vs)
