"""The pool's quick constructor makes the candidate Candidate(...) makes (decision 0041)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given

from tandem_matching.domain.profile import Candidate, candidate_of

from .candidates_strategy import pools


@given(pool=pools(max_size=4))
def test_the_same_fields_make_an_equal_frozen_candidate(pool: list[Candidate]) -> None:
    for built in pool:
        values = {f.name: getattr(built, f.name) for f in dataclasses.fields(Candidate)}
        made = candidate_of(values)
        assert made == built
        assert hash(made) == hash(built)
        assert made.first_name == built.first_name
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.level = 9  # type: ignore[misc]


def test_a_missing_or_unknown_field_is_refused() -> None:
    values = {f.name: None for f in dataclasses.fields(Candidate)}
    with pytest.raises(TypeError, match="previous_partners"):
        candidate_of({k: v for k, v in values.items() if k != "previous_partners"})
    with pytest.raises(TypeError, match="nickname"):
        candidate_of({**values, "nickname": "x"})
