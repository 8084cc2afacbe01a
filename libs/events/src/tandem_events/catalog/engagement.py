"""Events of the engagement context (topic ``engagement.events``), keyed by pair id.

Notes, goal titles and feedback text are sealed with their author's key (crypto-shredding).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from tandem_events.catalog.base import DomainEvent, Identifier, SealedText

PairHealth = Literal["thriving", "steady", "at_risk", "stalled"]


class EngagementEvent(DomainEvent):
    """Base of the engagement context's events; all keyed by pair id."""

    context: ClassVar[str] = "engagement"
    is_base: ClassVar[bool] = True
    key_field: ClassVar[str] = "pair_id"
    pair_id: Identifier


class CadenceProposed(EngagementEvent):
    """One partner proposed how often and how long to meet."""

    every_days: int = Field(ge=1, le=90)
    meeting_minutes: int = Field(ge=10, le=240)
    time_of_day: Literal["morning", "midday", "afternoon", "evening", "any"] = "any"


class CadenceAgreed(EngagementEvent):
    """Both partners agreed the cadence."""

    every_days: int = Field(ge=1, le=90)
    meeting_minutes: int = Field(ge=10, le=240)
    agreed_by: tuple[str, ...] = Field(min_length=2, max_length=3)


class GoalSet(EngagementEvent):
    """The pair co-created a goal."""

    goal_id: Identifier
    owner_id: Identifier
    category: str = Field(min_length=1, max_length=100)
    title: SealedText
    target_date: date | None = None


class GoalProgressed(EngagementEvent):
    """A goal moved forward."""

    goal_id: Identifier
    progress_percent: int = Field(ge=0, le=100)
    note: SealedText | None = None


class GoalCompleted(EngagementEvent):
    """A goal was reached."""

    goal_id: Identifier


class CheckInLogged(EngagementEvent):
    """The pair met and one of them logged it."""

    check_in_id: Identifier
    met_on: date
    duration_minutes: int = Field(ge=1, le=600)
    mode: Literal["video", "in_person", "call", "chat"] = "video"
    notes: SealedText | None = None


class FeedbackGivenV1(EngagementEvent):
    """Superseded by v2; kept so v1 records in the log and on Kafka still read."""

    event_name: ClassVar[str] = "FeedbackGiven"
    feedback_id: Identifier
    to_person_id: Identifier
    rating: int = Field(ge=1, le=5)
    text: SealedText | None = None


class FeedbackGiven(EngagementEvent):
    """One partner gave the other feedback: how helpful, of what kind, and sealed words."""

    version: ClassVar[int] = 2
    feedback_id: Identifier
    to_person_id: Identifier
    helpfulness: int = Field(ge=1, le=5)
    kind: Literal["appreciation", "suggestion", "general"]
    text: SealedText | None = None


class PulseSubmitted(EngagementEvent):
    """A participant's short private pulse on how the pairing goes."""

    energy: int = Field(ge=1, le=5)
    value: int = Field(ge=1, le=5)
    would_continue: bool


class MilestoneReached(EngagementEvent):
    """The pair reached a milestone worth celebrating."""

    milestone: Literal[
        "cadence_agreed",
        "first_check_in",
        "streak_4",
        "streak_8",
        "goal_completed",
        "three_months",
    ]
    reached_on: date


class PairHealthChanged(EngagementEvent):
    """The pair's health moved (e.g. steady to at-risk) and why."""

    previous: PairHealth | None
    current: PairHealth
    reasons: tuple[str, ...] = ()
