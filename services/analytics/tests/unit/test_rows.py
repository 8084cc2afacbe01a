"""A batch's rows merge per key by the rule of the table's upsert, in any order."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import permutations, product

from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_analytics.projections.participation import Participation
from tandem_analytics.projections.rows import Rows
from tandem_analytics.projections.rules import earliest_from, latest_by, least
from tandem_events.catalog.matching import PairCreated, PairEnded
from tandem_events.envelope import Envelope


def at(day: int) -> datetime:
    return datetime(2026, 3, day, tzinfo=UTC)


def test_least_ignores_none_like_sql() -> None:
    assert least(None, 2) == 2
    assert least(3, None) == 3
    assert least(3, 2) == 2
    assert least(None, None) is None


def test_earliest_and_latest_rules_do_not_depend_on_order() -> None:
    goal = [("g", "p", at(5), None), ("g", "p", None, at(20)), ("g", "p", at(3), at(25))]
    cadence = [("p", 7, at(1), "e1"), ("p", 14, at(2), "e0"), ("p", 21, at(2), "e2")]
    for rule, rows, expected in (
        (earliest_from(2), goal, ("g", "p", at(3), at(20))),
        (latest_by(2, 3), cadence, ("p", 21, at(2), "e2")),
    ):
        for order in permutations(rows):
            merged = Rows()
            for row in order:
                merged.merge("t", "key", row, rule)
            assert merged.columns("t") == [[v] for v in expected]


def test_a_pair_keeps_its_start_and_its_earliest_end_with_that_end_s_reason() -> None:
    members = ("person-1", "person-2")
    events = [
        PairCreated(occurred_at=at(1), actor_id="a", pair_id="pair-1", program_id="p",
                    member_ids=members, score=1.0),
        PairEnded(occurred_at=at(9), actor_id="a", pair_id="pair-1", program_id="p",
                  member_ids=members, reason="rematch"),
        PairEnded(occurred_at=at(7), actor_id="a", pair_id="pair-1", program_id="p",
                  member_ids=members, reason="completed"),
    ]  # fmt: skip
    projection = Participation(Pseudonyms(b"k" * 32))
    for order in permutations(events):
        items = [(e, Envelope.wrap(e, "/t")) for e in order]
        (row,) = zip(*projection.rows(items).columns("pairs"), strict=True)
        assert row[3:] == (at(1), at(7), "completed")


def test_no_rows_no_columns() -> None:
    assert Rows().columns("pairs") == []


def test_batches_send_their_rows_in_key_order_whatever_the_arrival_order() -> None:
    # Two processes of the group applying the same records (a partition moving between
    # them) must lock the same rows in the same order, or they could deadlock.
    goals = [("g2", "p", at(2), None), ("g1", "p", at(1), None), ("g3", "p", None, at(3))]
    check_ins = [("c2", "p", at(2).date(), 30), ("c1", "p", at(1).date(), 45)]
    for goal_order, check_in_order in product(permutations(goals), permutations(check_ins)):
        rows = Rows()
        for row in goal_order:
            rows.merge("goals", row[0], row, earliest_from(2))
        for check_in in check_in_order * 2:  # a redelivered check-in repeats its key
            rows.add("check_ins", check_in)
        assert rows.columns("goals")[0] == ["g1", "g2", "g3"]
        assert rows.columns("check_ins")[0] == ["c1", "c1", "c2", "c2"]
