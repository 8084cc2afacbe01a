"""The engagement catalog's v1 records still read, upcast to the current models."""

from __future__ import annotations

from tandem_events.catalog.engagement import MilestoneReached, PulseSubmitted
from tandem_events.upcasting import read_event

BASE = {"occurred_at": "2026-11-24T09:00:00Z", "actor_id": "ana", "pair_id": "p1"}


def test_a_v1_pulse_reads_as_v2_with_a_neutral_stress() -> None:
    event = read_event(
        "tandem.engagement.PulseSubmitted.v1",
        {**BASE, "energy": 4, "value": 2, "would_continue": True},
    )
    assert event == PulseSubmitted.model_validate(
        {**BASE, "stress": 3, "belonging": 2, "confidence": 4}
    )


def test_v1_milestones_read_as_a_kind_with_a_count() -> None:
    def read(name: str) -> MilestoneReached:
        event = read_event(
            "tandem.engagement.MilestoneReached.v1",
            {**BASE, "milestone": name, "reached_on": "2026-11-24"},
        )
        assert isinstance(event, MilestoneReached)
        return event

    assert (read("streak_8").milestone, read("streak_8").count) == ("streak", 8)
    assert (read("three_months").milestone, read("three_months").count) == ("days_together", 90)
    assert read("goal_completed").milestone == "first_goal_completed"
    assert read("first_check_in").count is None
