"""A match round: the candidate graph, the solver, then explained pairs and who stayed out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from tandem_matching.domain.candidates import (
    ALL_PAIRS,
    CandidateGraph,
    best_candidates,
    build_graph,
    per_group,
)
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.quality import RoundQuality, assess
from tandem_matching.domain.reasons import reasons_for, triad_reasons
from tandem_matching.domain.scoring import (
    PairScore,
    ScoringPolicy,
    score_pair,
    score_pairs,
    scores_of,
)
from tandem_matching.domain.solver import Matching, solve

NO_COMPATIBLE_PEER = "no_compatible_peer"
ODD_ONE_OUT = "odd_one_out"


@dataclass(frozen=True)
class ProposedPair:
    """Two (or three) people, their score, its components and the reasons in plain words."""

    member_ids: tuple[str, ...]
    score: float
    components: dict[str, float]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RoundPlan:
    """What a round would do: the pairs, who stays unmatched and why, and its quality."""

    pairs: list[ProposedPair]
    unmatched: dict[str, str]
    total_score: float
    exact: bool
    quality: RoundQuality | None = None


def plan_round(
    candidates: Sequence[Candidate],
    policy: ScoringPolicy,
    *,
    pins: Sequence[Sequence[str]] = (),
    excludes: Sequence[Sequence[str]] = (),
) -> RoundPlan:
    """Match the pool: pinned pairs as given, then the maximum number of pairs, then the
    greatest total score, never an excluded pair."""
    everyone = sorted(candidates, key=lambda c: c.person_id)  # same pool, same answer
    by_id = {c.person_id: c for c in everyone}
    pinned = [explain_pair([by_id[m] for m in pin], policy) for pin in pins]
    taken = {m for pin in pins for m in pin}
    ordered = [c for c in everyone if c.person_id not in taken]
    graph = without_pairs(build_graph(ordered, policy, top_k=per_group(policy)), ordered, excludes)
    matching = solve(graph.n, graph.us, graph.vs, graph.ws)
    pairs = explain_duos(
        [(ordered[a], ordered[b]) for a, b in matching.pairs],
        policy,
        _scores(graph, matching, policy),
    )
    matched = {i for pair in matching.pairs for i in pair}
    degree = graph.degree()
    unmatched = {
        ordered[i].person_id: ODD_ONE_OUT if degree[i] else NO_COMPATIBLE_PEER
        for i in range(len(ordered))
        if i not in matched
    }
    if policy.allow_triads:
        pairs = _triads(ordered, graph, pairs, unmatched, policy)
    pairs = pinned + pairs
    fixed = sum(p.score for p in pinned)
    quality = assess(
        [[by_id[m] for m in p.member_ids] for p in pairs],
        [p.score for p in pairs],
        (matching.weight + fixed, matching.upper_bound + fixed),
        unmatched,
        everyone,
        policy,
        bound_over=ALL_PAIRS if graph.complete else best_candidates(policy, sampled=graph.sampled),
    )
    return RoundPlan(
        pairs=pairs,
        unmatched=unmatched,
        total_score=round(sum(p.score for p in pairs), 2),
        exact=matching.exact,
        quality=quality,
    )


def without_pairs(
    graph: CandidateGraph, ordered: Sequence[Candidate], excludes: Sequence[Sequence[str]]
) -> CandidateGraph:
    """The graph without the edges the admin excluded."""
    if not excludes:
        return graph  # most rounds: no index of 10,000 people to build
    index = {c.person_id: i for i, c in enumerate(ordered)}
    n = graph.n
    banned = [
        min(index[a], index[b]) * n + max(index[a], index[b])
        for a, b in excludes
        if a in index and b in index
    ]
    if not banned:
        return graph
    keep = ~np.isin(graph.us * n + graph.vs, banned)
    return replace(graph, us=graph.us[keep], vs=graph.vs[keep], ws=graph.ws[keep])


def _scores(
    graph: CandidateGraph, matching: Matching, policy: ScoringPolicy
) -> list[PairScore] | None:
    """The matched pairs' scores from the graph's features (None: score them afresh)."""
    if graph.features is None or not matching.pairs:
        return None
    firsts, seconds = np.asarray(matching.pairs, dtype=np.intp).T
    return scores_of(graph.features, firsts, seconds, policy)


def explain_duos(
    duos: Sequence[tuple[Candidate, Candidate]],
    policy: ScoringPolicy,
    scores: list[PairScore] | None = None,
) -> list[ProposedPair]:
    """Score (unless ``scores`` are given) and explain many pairs of two, scored together."""
    scores = scores if scores is not None else score_pairs(duos, policy)
    return [explain_pair(list(duo), policy, s) for duo, s in zip(duos, scores, strict=True)]


def explain_pair(
    members: list[Candidate], policy: ScoringPolicy, scored: PairScore | None = None
) -> ProposedPair:
    """Score (unless ``scored`` already is) and explain two or three people as one pair."""
    if len(members) == 2:
        scored = scored or score_pair(members[0], members[1], policy)
        reasons = reasons_for(members[0], members[1], policy)
        return ProposedPair(
            (members[0].person_id, members[1].person_id),
            scored.total,
            scored.components,
            tuple(reasons),
        )
    duo = [
        score_pair(x, y, policy)
        for x, y in ((members[0], members[1]), (members[0], members[2]), (members[1], members[2]))
    ]
    components = {k: round(sum(s.components[k] for s in duo) / 3, 3) for k in duo[0].components}
    return ProposedPair(
        tuple(m.person_id for m in members),
        round(sum(s.total for s in duo) / 3, 2),
        components,
        tuple(triad_reasons(members, policy)),
    )


def _triads(
    ordered: Sequence[Candidate],
    graph: CandidateGraph,
    pairs: list[ProposedPair],
    unmatched: dict[str, str],
    policy: ScoringPolicy,
) -> list[ProposedPair]:
    """Give each odd one out a place in the pair they suit best, if both members suit them."""
    index = {c.person_id: i for i, c in enumerate(ordered)}
    weight: dict[tuple[int, int], float] = {}
    odd = {index[p] for p, why in unmatched.items() if why == ODD_ONE_OUT}
    touching = np.isin(graph.us, list(odd)) | np.isin(graph.vs, list(odd))
    for u, v, w in zip(
        graph.us[touching].tolist(),
        graph.vs[touching].tolist(),
        graph.ws[touching].tolist(),
        strict=True,
    ):
        weight[(u, v)] = weight[(v, u)] = w
    taken: set[int] = set()
    result = list(pairs)
    for person in sorted(odd):
        best, best_value = None, -1.0
        for position, pair in enumerate(result):
            if position in taken or len(pair.member_ids) != 2:
                continue
            a, b = (index[m] for m in pair.member_ids)
            if (person, a) in weight and (person, b) in weight:
                value = weight[(person, a)] + weight[(person, b)]
                if value > best_value:
                    best, best_value = position, value
        if best is not None:
            members = [ordered[index[m]] for m in result[best].member_ids] + [ordered[person]]
            result[best] = explain_pair(members, policy)
            taken.add(best)
            del unmatched[ordered[person].person_id]
    return result
