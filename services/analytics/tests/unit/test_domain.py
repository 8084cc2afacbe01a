"""The analytics domain: pseudonyms, who sees which program, closed vocabularies."""

from __future__ import annotations

import pytest

from tandem_analytics.domain.audience import Audience
from tandem_analytics.domain.categories import location_of, unmatched_reason
from tandem_analytics.domain.errors import NotYourProgram, WeakPseudonymKey
from tandem_analytics.domain.pseudonyms import Pseudonyms

KEY = b"0123456789abcdef-key"


def test_pseudonyms_are_stable_keyed_and_not_the_id() -> None:
    people = Pseudonyms(KEY)
    assert people.of("person-1") == Pseudonyms(KEY).of("person-1")
    assert people.of("person-1") != people.of("person-2")
    assert people.of("person-1") != Pseudonyms(KEY + b"!").of("person-1")
    assert "person" not in people.of("person-1")
    assert len(people.of("person-1")) == 24
    assert people.of_all(["a", "b"]) == [people.of("a"), people.of("b")]


def test_a_short_key_is_refused() -> None:
    with pytest.raises(WeakPseudonymKey):
        Pseudonyms(b"short")


def test_owners_and_co_admins_see_their_programs_and_analysts_all() -> None:
    owners = {"p1": {"me"}, "p2": {"someone"}, "p3": set(), "p4": {"someone", "me"}}
    assert Audience("me", sees_all=False).programs(owners) == ["p1", "p4"]
    assert Audience("x", sees_all=True).programs(owners) == ["p1", "p2", "p3", "p4"]
    Audience("me", sees_all=False).check_may_see("p1", owners)
    with pytest.raises(NotYourProgram):
        Audience("me", sees_all=False).check_may_see("p2", owners)
    with pytest.raises(NotYourProgram):
        Audience("x", sees_all=True).check_may_see("nope", owners)


def test_only_codes_and_coarse_places_are_kept() -> None:
    assert unmatched_reason("odd_one_out") == "odd_one_out"
    assert unmatched_reason("Ana was on leave") == "other"
    assert location_of("Europe/Paris") == "Europe"
    assert location_of("UTC") == "UTC"
    assert location_of("") == "other"
