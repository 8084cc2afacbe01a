"""A committed round is told in counts whose size does not grow with the round (decision 0040)."""

from __future__ import annotations

from datetime import UTC, datetime

from tandem_events.envelope import MAX_EVENT_BYTES, Envelope
from tandem_matching.domain.round_outcome import left_unmatched, round_completed
from tandem_matching.domain.rounds import NO_COMPATIBLE_PEER, ODD_ONE_OUT, ProposedPair, RoundPlan

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def plan_of(people: int, alone: int) -> RoundPlan:
    """``people`` paired two by two (the last three as a triad), ``alone`` left out."""
    ids = [f"{n:032x}" for n in range(people)]
    groups = [tuple(ids[i : i + 2]) for i in range(0, people - 3, 2)] + [tuple(ids[-3:])]
    pairs = [ProposedPair(g, 88.5, {}, ("a reason",)) for g in groups]
    unmatched = {f"alone-{n}": NO_COMPATIBLE_PEER for n in range(alone)} | {"odd": ODD_ONE_OUT}
    return RoundPlan(pairs, unmatched, 88.5 * len(pairs), exact=False)


def size_of(plan: RoundPlan) -> int:
    done = round_completed(plan, "growth", "r" * 32, actor="admin-1", now=NOW)
    return len(Envelope.wrap(done, "/tandem/matching").value())


def test_the_round_event_counts_groups_triads_and_people() -> None:
    done = round_completed(plan_of(11, 2), "growth", "r1", actor="admin-1", now=NOW)
    assert (done.pairs, done.triads, done.people_matched) == (5, 1, 11)
    assert done.unmatched == {NO_COMPATIBLE_PEER: 2, ODD_ONE_OUT: 1}


def test_its_size_does_not_grow_with_the_round() -> None:
    small, large = size_of(plan_of(1_001, 10)), size_of(plan_of(100_001, 10_000))
    # Only the counts' digits differ: 3 digits more in each of four counts.
    assert large - small <= 12
    assert large < 1024 < MAX_EVENT_BYTES


def test_each_person_left_unmatched_is_an_event_of_their_own() -> None:
    alone = left_unmatched(plan_of(5, 2), "growth", "r1", actor="admin-1", now=NOW)
    assert {(e.person_id, e.reason, e.round_id) for e in alone} == {
        ("alone-0", NO_COMPATIBLE_PEER, "r1"),
        ("alone-1", NO_COMPATIBLE_PEER, "r1"),
        ("odd", ODD_ONE_OUT, "r1"),
    }
