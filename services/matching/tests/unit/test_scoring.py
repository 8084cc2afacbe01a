"""Scoring: components in range, symmetry, the block scorer equals the pair scorer, reasons."""

from __future__ import annotations

from collections import Counter
from unittest.mock import patch

import numpy as np
from hypothesis import given

from tandem_matching.domain import scoring
from tandem_matching.domain.candidates import CHUNK_ROWS, build_graph
from tandem_matching.domain.constraints import violations
from tandem_matching.domain.profile import Candidate, Personality, working_window_utc
from tandem_matching.domain.reasons import reasons_for
from tandem_matching.domain.scoring import ScoringPolicy, score_pair, score_pairs

from .candidates_strategy import person, pools

POLICY = ScoringPolicy.of()


@given(pool=pools(max_size=10))
def test_scores_are_symmetric_bounded_and_match_the_graph(pool: list[Candidate]) -> None:
    graph = build_graph(pool, POLICY, top_k=None)
    for u, v, w in zip(graph.us, graph.vs, graph.ws, strict=True):
        a, b = pool[u], pool[v]
        one, other = score_pair(a, b, POLICY), score_pair(b, a, POLICY)
        assert one.total == other.total == w
        assert 0 <= one.total <= 100
        assert all(0 <= value <= 2 for value in one.components.values())
    allowed = {
        (min(i, j), max(i, j))
        for i in range(len(pool))
        for j in range(len(pool))
        if i != j and not violations(pool[i], pool[j], POLICY)
    }
    assert set(zip(graph.us.tolist(), graph.vs.tolist(), strict=True)) == allowed


@given(pool=pools(max_size=12))
def test_scoring_many_pairs_at_once_equals_scoring_each(pool: list[Candidate]) -> None:
    duos = [(a, b) for i, a in enumerate(pool) for b in pool[i + 1 :]]
    with patch.object(scoring, "_PAIRS_PER_SLICE", 7):  # several slices, and a partial one
        together = score_pairs(duos, POLICY)
    assert together == [score_pair(a, b, POLICY) for a, b in duos]
    graph = build_graph(pool, POLICY, top_k=None)
    index = {(a.person_id, b.person_id): s.total for (a, b), s in zip(duos, together, strict=True)}
    for u, v, w in zip(graph.us, graph.vs, graph.ws, strict=True):
        assert index[(pool[u].person_id, pool[v].person_id)] == w


def test_two_way_complementarity_beats_one_way() -> None:
    ana = person("ana", skills_offered=frozenset({"sql"}), skills_sought=frozenset({"design"}))
    ben = person("ben", skills_offered=frozenset({"design"}), skills_sought=frozenset({"sql"}))
    cleo = person("cleo", skills_offered=frozenset(), skills_sought=frozenset({"sql"}))
    assert score_pair(ana, ben, POLICY).components["skills"] == 0.8
    assert score_pair(ana, cleo, POLICY).components["skills"] == 0.4
    assert score_pair(ana, ben, POLICY).total > score_pair(ana, cleo, POLICY).total


def test_similar_conscientiousness_scores_higher_than_opposite() -> None:
    steady = Personality(3, 5, 1, 3, 4)
    alike = person("ana", personality=steady)
    same = person("ben", personality=Personality(3, 5, 5, 1, 5))  # other traits may differ
    unlike = person("cleo", personality=Personality(3, 1, 1, 3, 4))
    assert score_pair(alike, same, POLICY).components["personality"] == 1.0
    assert score_pair(alike, unlike, POLICY).components["personality"] < 0.7


def test_level_gap_lowers_the_score_and_cross_team_follows_the_policy() -> None:
    ana, ben = person("ana", department="eng"), person("ben", department="fin")
    higher = person("ben", department="fin", level=4)
    assert score_pair(ana, higher, POLICY).total < score_pair(ana, ben, POLICY).total
    same = ScoringPolicy.of(cross_team="prefer_same_department")
    assert score_pair(ana, ben, same).components["cross_team"] == 0.0
    assert score_pair(ana, ben, POLICY).components["cross_team"] == 1.0


def test_hard_constraints_are_named_in_plain_words() -> None:
    ana = person("ana", manager_chain=frozenset({"ben"}), languages=frozenset({"pt"}))
    ben = person("ben", level=6, utc_start=20.0, work_hours=4.0)
    found = violations(ana, ben, POLICY)
    assert any("level gap" in v for v in found)
    assert any("management chain" in v for v in found)
    assert any("no language" in v for v in found)
    assert any("overlap" in v for v in found)
    assert violations(person("a", previous_partners=frozenset({"b"})), person("b"), POLICY) == [
        "they were already partners in this program"
    ]


def test_reasons_name_skills_and_goals_in_plain_words() -> None:
    ana = person(
        "ana",
        name="Ana Lima",
        skills_offered=frozenset({"sql"}),
        goals=frozenset({"public speaking"}),
    )
    ben = person(
        "ben",
        name="Ben Ode",
        skills_sought=frozenset({"sql"}),
        goals=frozenset({"public speaking"}),
    )
    reasons = reasons_for(ana, ben, POLICY)
    assert "you both have the goal “public speaking”" in reasons
    assert "Ana offers “sql”, which Ben wants" in reasons
    assert 2 <= len(reasons) <= 3


def test_working_windows_wrap_around_midnight() -> None:
    start, length = working_window_utc("Asia/Tokyo", 9, 17)
    assert (start, length) == (0.0, 8.0)
    assert working_window_utc("UTC", 22, 6) == (22.0, 8.0)
    assert working_window_utc("Not/AZone", 9, 17) == (9.0, 8.0)


def test_large_pools_stay_sparse() -> None:
    # Two levels of about 600 people: each level is scored in more than one chunk of rows.
    size = 1200
    rng = np.random.default_rng(7)
    pool = [
        person(
            f"p{i}",
            level=int(rng.integers(1, 3)),
            skills_offered=frozenset({f"s{int(k)}" for k in rng.integers(0, 40, 3)}),
            skills_sought=frozenset({f"s{int(k)}" for k in rng.integers(0, 40, 3)}),
        )
        for i in range(size)
    ]
    assert min(Counter(p.level for p in pool).values()) > CHUNK_ROWS
    graph = build_graph(pool, POLICY, top_k=20)
    assert graph.us.size <= size * 20 * 2
    assert (graph.degree() > 0).all()
