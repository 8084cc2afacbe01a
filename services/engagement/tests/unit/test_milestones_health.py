"""Milestones reached once, and the health state machine driven by a hand-moved clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tandem_engagement.domain import health
from tandem_engagement.domain.checkins import give_feedback
from tandem_engagement.domain.folding import fold
from tandem_engagement.domain.milestones import detect, longest_streak
from tandem_engagement.domain.pulse import submit_pulse
from tandem_engagement.domain.workspace import Workspace
from tandem_events.catalog.engagement import (
    GoalCompleted,
    GoalSet,
    MilestoneReached,
    PairHealthChanged,
    WorkspaceClosed,
)

from .builders import OPENED, SEALED, Clock, fold_all, met, opened, with_cadence


def reached(state: Workspace, now: datetime) -> tuple[Workspace, list[tuple[str, int | None]]]:
    events = detect(state, now)
    found: list[tuple[str, int | None]] = [
        (e.milestone, e.count) for e in events if isinstance(e, MilestoneReached)
    ]
    return fold_all(state, events), found


def test_each_milestone_is_detected_once() -> None:
    clock = Clock()
    state = with_cadence(opened(), 7, clock.now)
    state, found = reached(state, clock.now)
    assert found == [("cadence_agreed", None)]
    assert reached(state, clock.now)[1] == []
    for week in range(4):
        state = met(state, f"c{week}", clock.advance(days=7))
    state, found = reached(state, clock.now)
    assert found == [("first_check_in", None), ("streak", 4)]
    state = fold_all(
        state,
        [
            GoalSet(
                occurred_at=clock.now,
                actor_id="ana",
                pair_id="p1",
                goal_id="g",
                owner_id="ana",
                category="x",
                title=SEALED,
            ),
            GoalCompleted(occurred_at=clock.now, actor_id="ana", pair_id="p1", goal_id="g"),
        ],
    )
    clock.now = OPENED + timedelta(days=30)
    state, found = reached(state, clock.now)
    assert found == [("first_goal_completed", None), ("days_together", 30)]
    clock.now = OPENED + timedelta(days=200)  # catching up after a long quiet spell
    state, found = reached(state, clock.now)
    assert found == [("days_together", 90), ("days_together", 180)]
    assert reached(state, clock.now)[1] == []


def test_a_streak_breaks_when_a_meeting_comes_too_late() -> None:
    clock = Clock()
    state = with_cadence(opened(), 7, clock.now)
    for n, gap in enumerate([1, 7, 7, 12, 7, 7]):  # 12 > 7 * 1.5 breaks the run
        state = met(state, f"c{n}", clock.advance(days=gap))
    assert longest_streak(state) == 3
    state = met(state, "c-dup", clock.now, actor="ben")  # the same meeting logged twice
    assert longest_streak(state) == 3


def moved(state: Workspace, now: datetime) -> tuple[Workspace, PairHealthChanged | None]:
    events = health.transition(state, now)
    change = events[0] if events else None
    assert change is None or isinstance(change, PairHealthChanged)
    return fold_all(state, events), change


def test_health_follows_time_since_the_last_check_in_against_the_cadence() -> None:
    clock = Clock()
    state = with_cadence(opened(), 14, clock.now)
    state, change = moved(state, clock.now)
    assert change is not None
    assert (change.previous, change.current) == (None, "steady")
    assert moved(state, clock.advance(days=21))[1] is None  # 1.5 cadences: still steady
    state, change = moved(state, clock.advance(days=1))
    assert change is not None
    assert change.current == "at_risk"
    assert change.reasons == ("check_in_overdue",)
    state, change = moved(state, clock.now + timedelta(days=21))
    assert change is not None
    assert (change.previous, change.current) == ("at_risk", "stalled")
    state = met(state, "back", clock.advance(days=21))
    state, change = moved(state, clock.now)
    assert change is not None
    assert change.current == "steady"


def test_a_kept_cadence_found_useful_thrives_and_low_usefulness_puts_it_at_risk() -> None:
    clock = Clock()
    state = with_cadence(opened(), 7, clock.now)
    for n in range(3):
        state = met(state, f"c{n}", clock.advance(days=7))
    assert health.assess(state, clock.now).state == "thriving"
    for n, rating in enumerate((2, 2)):
        state = fold_all(
            state,
            give_feedback(
                state,
                feedback_id=f"f{n}",
                check_in_id=f"c{n}",
                to_person_id="ben",
                helpfulness=rating,
                kind="suggestion",
                sealed_text=None,
                actor="ana",
                now=clock.now,
            ),
        )
    assessment = health.assess(state, clock.now)
    assert (assessment.state, assessment.reasons) == ("at_risk", ("low_usefulness",))


def test_a_strained_pulse_and_no_cadence_are_reasons_too() -> None:
    clock = Clock()
    state = opened()
    assert health.assess(state, clock.advance(days=10)).state == "steady"
    state = fold_all(
        state, submit_pulse(state, stress=5, belonging=2, confidence=2, actor="ben", now=clock.now)
    )
    state = met(state, "c1", clock.now)
    assert health.assess(state, clock.now).reasons == ("strained_pulse",)
    assert health.assess(state, clock.advance(days=12)).reasons == (
        "no_cadence_agreed",
        "strained_pulse",
    )


def test_the_next_review_is_when_time_alone_changes_something() -> None:
    clock = Clock()
    state = with_cadence(opened(), 14, clock.now)
    state = met(state, "c1", clock.now)
    review = health.next_review(state, clock.now)
    assert review == datetime(2026, 1, 27, tzinfo=UTC)  # 22 days after: at risk
    assert health.assess(state, review).state == "at_risk"
    assert health.assess(state, review - timedelta(days=1)).state != "at_risk"
    closed = fold(
        state,
        WorkspaceClosed(
            occurred_at=clock.now, actor_id="x", pair_id="p1", reason="participant_withdrew"
        ),
    )
    assert health.next_review(closed, clock.now) is None
    assert health.transition(closed, clock.now + timedelta(days=90)) == []


def test_follow_ups_record_milestones_and_the_health_change_together() -> None:
    clock = Clock()
    state = with_cadence(opened(), 7, clock.now)
    kinds = [type(e).__name__ for e in health.follow_ups(state, clock.now)]
    assert kinds == ["MilestoneReached", "PairHealthChanged"]
