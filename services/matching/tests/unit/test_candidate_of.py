"""The pool's quick constructor makes the candidate Candidate(...) makes (decision 0041)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given

from tandem_matching.domain.profile import (
    Candidate,
    Personality,
    answers,
    candidate_of,
    working_window_utc,
)

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


def test_a_cached_working_window_answers_in_floats_whatever_it_was_asked_in() -> None:
    """A window cached for 9–17 given as ints answers 9.0–17.0 alike: the pool hash holds."""
    day = date(2031, 6, 1)  # a day no other test asks about: the first call fills the cache
    first = working_window_utc("Asia/Kathmandu", 9, 17, day)
    again = working_window_utc("Asia/Kathmandu", 9.0, 17.0, day)
    assert first == again == (3.25, 8.0)
    assert all(isinstance(part, float) for part in (*first, *again))


def test_shared_answers_are_the_same_answers() -> None:
    assert answers((1, 2, 3, 4, 5)) == Personality(1, 2, 3, 4, 5)
    assert answers((1, 2, 3, 4, 5)) is answers((1, 2, 3, 4, 5))
