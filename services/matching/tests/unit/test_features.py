"""Encoded tag sets: each row holds exactly its person's tags (whatever the sets' sizes)."""

from __future__ import annotations

from hypothesis import given

from tandem_matching.domain.features import encode
from tandem_matching.domain.profile import Candidate

from .candidates_strategy import pools


@given(pools(max_size=14))
def test_each_row_of_a_tag_matrix_is_its_persons_tags(pool: list[Candidate]) -> None:
    features = encode(pool)
    words = sorted({t for c in pool for t in c.skills_offered | c.skills_sought})
    goals = sorted({t for c in pool for t in c.goals})
    for row, person in enumerate(pool):
        assert {words[i] for i in features.offered[row].nonzero()[0]} == person.skills_offered
        assert {words[i] for i in features.sought[row].nonzero()[0]} == person.skills_sought
        assert {goals[i] for i in features.goals[row].nonzero()[0]} == person.goals
    assert features.offered.shape == (len(pool), max(1, len(words)))
