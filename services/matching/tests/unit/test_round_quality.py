"""A round's quality report, pins and excludes, and what a preview token stands for."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

from tandem_matching.domain.candidates import per_group
from tandem_matching.domain.errors import Conflict, Invalid
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.round_options import check_options
from tandem_matching.domain.round_record import plan_as_json, plan_from_json, pool_hash
from tandem_matching.domain.rounds import plan_round
from tandem_matching.domain.scoring import ScoringPolicy

from .candidates_strategy import person, pools

POLICY = ScoringPolicy.of({}, allow_triads=False)


def _pool() -> list[Candidate]:
    return [
        person("a", department="Eng", skills_offered=frozenset({"sql"})),
        person("b", department="Sales", skills_sought=frozenset({"sql"})),
        person("c", department="Eng"),
        person("d", department="Eng"),
        person("fi", languages=frozenset({"fi"})),
    ]


def test_the_report_counts_pairs_mixing_scores_and_says_why_someone_stayed_out() -> None:
    plan = plan_round(_pool(), POLICY)
    quality = plan.quality
    assert quality is not None
    assert (quality.pairs, quality.triads, quality.people_matched) == (2, 0, 4)
    department = {c.person_id: c.department for c in _pool()}
    mixed = [p for p in plan.pairs if len({department[m] for m in p.member_ids}) > 1]
    assert quality.cross_department_pairs == len(mixed) == 1  # only b is not in Eng
    assert quality.score_min <= quality.score_median <= quality.score_max
    assert quality.lp_bound >= quality.total_score - 1e-9
    assert quality.gap == pytest.approx(quality.lp_bound - quality.total_score, abs=0.011)
    assert plan.unmatched == {"fi": "no_compatible_peer"}
    assert quality.unmatched_because["fi"].startswith("they share no language")
    assert "(4 of 4 peers)" in quality.unmatched_because["fi"]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(pool=pools())
def test_the_lp_bound_is_never_below_what_the_pairs_score(pool: list[Candidate]) -> None:
    quality = plan_round(pool, POLICY).quality
    assert quality is not None
    assert quality.lp_bound + 1e-6 >= quality.total_score
    assert quality.gap >= 0


def test_the_report_says_when_its_bound_covers_only_each_persons_best_candidates() -> None:
    small = plan_round(_pool(), POLICY).quality
    assert small is not None
    assert small.bound_over == "all allowed pairs"
    # More peers at one level than a person keeps (16 with a gap of 1): the graph is cut.
    crowd = [person(f"p{i:02d}", department=f"d{i % 5}") for i in range(2 * per_group(POLICY))]
    large = plan_round(crowd, POLICY).quality
    assert large is not None
    assert large.bound_over.startswith(f"each person's {per_group(POLICY)} best-ranked")
    assert "better than lp_bound" in large.bound_over


def test_pins_are_made_as_given_and_excludes_never() -> None:
    free = plan_round(_pool(), POLICY)
    best = free.pairs[0].member_ids
    excluded = plan_round(_pool(), POLICY, excludes=[best])
    assert best not in [p.member_ids for p in excluded.pairs]
    pinned = plan_round(_pool(), POLICY, pins=[("c", "d")])
    assert pinned.pairs[0].member_ids == ("c", "d")
    assert sum(1 for p in pinned.pairs for m in p.member_ids if m in "cd") == 2


def test_bad_pins_and_excludes_name_their_index() -> None:
    pool = _pool()
    cases = [
        ([("a", "a")], [], ("body", "pins", 0)),
        ([("a", "ghost")], [], ("body", "pins", 0)),
        ([("a", "b"), ("b", "c")], [], ("body", "pins", 1)),
        ([], [("a", "a")], ("body", "excludes", 0)),
        ([("a", "b")], [("b", "a")], ("body", "excludes", 0)),
    ]
    for pins, excludes, where in cases:
        with pytest.raises(Invalid) as refused:
            check_options(pins, excludes, pool, POLICY)
        assert refused.value.location == where
    with pytest.raises(Conflict):
        check_options([("a", "fi")], [], pool, POLICY)


def test_a_token_stands_for_the_same_pool_and_the_same_plan() -> None:
    pool = _pool()
    assert pool_hash(pool) == pool_hash(list(reversed(pool)))
    changed = [replace(pool[0], goals=frozenset({"sql"})), *pool[1:]]
    assert pool_hash(changed) != pool_hash(pool)
    assert pool_hash(pool[:-1]) != pool_hash(pool)
    plan = plan_round(pool, POLICY)
    assert plan_from_json(plan_as_json(plan)) == plan
