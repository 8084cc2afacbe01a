"""The matching catalog's v1 rounds still read, upcast to the v2 counts."""

from __future__ import annotations

from tandem_events.catalog.matching import MatchRoundCompleted
from tandem_events.upcasting import read_event

BASE = {
    "occurred_at": "2026-11-24T09:00:00Z",
    "actor_id": "ana",
    "program_id": "growth",
    "round_id": "r1",
    "total_score": 2.5,
    "exact": True,
}


def test_a_v1_round_reads_as_v2_counts() -> None:
    event = read_event(
        "tandem.matching.MatchRoundCompleted.v1",
        {
            **BASE,
            "pair_ids": ["p1", "p2", "p3"],
            "unmatched": {
                "zoe": "no_compatible_peer",
                "li": "no_compatible_peer",
                "mo": "odd_one_out",
            },
        },
    )
    assert event == MatchRoundCompleted.model_validate(
        {**BASE, "pairs": 3, "unmatched": {"no_compatible_peer": 2, "odd_one_out": 1}}
    )
    assert isinstance(event, MatchRoundCompleted)
    assert (event.triads, event.people_matched) == (None, None), "v1 did not say: unknown"


def test_a_v1_round_without_unmatched_people_reads_with_no_counts() -> None:
    event = read_event("tandem.matching.MatchRoundCompleted.v1", {**BASE, "pair_ids": ["p1"]})
    assert isinstance(event, MatchRoundCompleted)
    assert (event.pairs, event.unmatched) == (1, {})
