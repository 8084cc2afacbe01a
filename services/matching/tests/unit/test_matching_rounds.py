"""Property tests: every proposed pair respects the hard constraints; the result is a matching."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem_matching.domain.constraints import violations
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.rounds import NO_COMPATIBLE_PEER, ODD_ONE_OUT, plan_round
from tandem_matching.domain.scoring import ScoringPolicy

from .candidates_strategy import person, pools

policies = st.builds(
    ScoringPolicy.of,
    max_level_gap=st.integers(0, 2),
    cross_team=st.sampled_from(
        ["prefer_other_departments", "prefer_same_department", "indifferent"]
    ),
    min_overlap_hours=st.sampled_from([0.0, 2.0, 4.0]),
    allow_triads=st.booleans(),
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(pool=pools(), policy=policies)
def test_every_proposed_pair_respects_the_hard_constraints(
    pool: list[Candidate], policy: ScoringPolicy
) -> None:
    plan = plan_round(pool, policy)
    by_id = {c.person_id: c for c in pool}
    seen: list[str] = []
    for pair in plan.pairs:
        assert 2 <= len(pair.member_ids) <= (3 if policy.allow_triads else 2)
        for a, b in itertools.combinations(pair.member_ids, 2):
            assert violations(by_id[a], by_id[b], policy) == [], (a, b)
        assert 2 <= len(pair.reasons) <= 3
        assert 0 <= pair.score <= 100
        seen.extend(pair.member_ids)
    assert len(seen) == len(set(seen)), "someone is in two pairs"
    assert set(seen) | set(plan.unmatched) == set(by_id)
    assert not set(seen) & set(plan.unmatched)


@given(pool=pools(max_size=8), policy=policies)
def test_unmatched_reasons_say_whether_anyone_was_compatible(
    pool: list[Candidate], policy: ScoringPolicy
) -> None:
    plan = plan_round(pool, policy)
    for pid, reason in plan.unmatched.items():
        compatible = [
            o
            for o in pool
            if o.person_id != pid
            and not violations(next(c for c in pool if c.person_id == pid), o, policy)
        ]
        assert reason == (ODD_ONE_OUT if compatible else NO_COMPATIBLE_PEER)


@given(pool=pools(max_size=8), policy=policies)
def test_the_round_has_maximum_cardinality(pool: list[Candidate], policy: ScoringPolicy) -> None:
    import networkx as nx

    graph = nx.Graph()
    for a, b in itertools.combinations(pool, 2):
        if not violations(a, b, policy):
            graph.add_edge(a.person_id, b.person_id)
    best = len(nx.max_weight_matching(graph, maxcardinality=True))
    plan = plan_round(pool, policy)
    assert len(plan.pairs) == best


def test_three_compatible_people_make_a_triad_only_where_allowed() -> None:
    pool = [person("ana"), person("ben"), person("cleo")]
    assert [len(p.member_ids) for p in plan_round(pool, ScoringPolicy.of()).pairs] == [3]
    plan = plan_round(pool, ScoringPolicy.of(allow_triads=False))
    assert [len(p.member_ids) for p in plan.pairs] == [2]
    assert list(plan.unmatched.values()) == [ODD_ONE_OUT]


def test_a_person_nobody_may_meet_is_reported_as_such() -> None:
    pool = [person("ana"), person("ben"), person("zoe", languages=frozenset({"fr"}))]
    plan = plan_round(pool, ScoringPolicy.of())
    assert plan.unmatched == {"zoe": NO_COMPATIBLE_PEER}
    assert plan.pairs[0].member_ids == ("ana", "ben")


def test_the_same_pool_gives_the_same_round_whatever_its_order() -> None:
    pool = [
        person(
            f"p{i}",
            level=i % 3,
            skills_offered=frozenset({"sql"}) if i % 2 else frozenset(),
            skills_sought=frozenset({"sql"}),
        )
        for i in range(9)
    ]
    policy = ScoringPolicy.of(max_level_gap=1)
    assert plan_round(pool, policy) == plan_round(list(reversed(pool)), policy)
