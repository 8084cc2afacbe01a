"""Events of the engagement context (topic ``engagement.events``), keyed by pair id.

Notes, goal titles and feedback text are sealed with their author's key (crypto-shredding).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field

from tandem_events.catalog.base import DomainEvent, Identifier, SealedText
from tandem_events.upcasting import upcaster

PairHealth = Literal["thriving", "steady", "at_risk", "stalled"]
TimeOfDay = Literal["morning", "midday", "afternoon", "evening", "any"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class EngagementEvent(DomainEvent):
    """Base of the engagement context's events; all keyed by pair id."""

    context: ClassVar[str] = "engagement"
    is_base: ClassVar[bool] = True
    key_field: ClassVar[str] = "pair_id"
    pair_id: Identifier


class WorkspaceOpened(EngagementEvent):
    """A new pair's workspace opened (from matching's PairCreated, with what it needs)."""

    program_id: Identifier
    member_ids: tuple[str, ...] = Field(min_length=2, max_length=3)
    purpose: str = Field(min_length=1, max_length=200)
    timezones: dict[str, str] = Field(default_factory=dict)
    opened_on: date


class WorkspaceClosed(EngagementEvent):
    """The pair ended or a member withdrew: the workspace is read-only from now on."""

    reason: Literal["pair_ended", "participant_withdrew"]


class CadenceProposed(EngagementEvent):
    """One partner proposed (or countered with) how often, how long and when to meet.

    ``time_of_day`` and ``weekday`` hold in each member's own timezone.
    """

    every_days: int = Field(ge=1, le=90)
    meeting_minutes: int = Field(ge=10, le=240)
    time_of_day: TimeOfDay = "any"
    proposal_id: Identifier | None = None
    weekday: Weekday | None = None
    counters: Identifier | None = None


class CadenceAgreed(EngagementEvent):
    """Both partners agreed the cadence."""

    every_days: int = Field(ge=1, le=90)
    meeting_minutes: int = Field(ge=10, le=240)
    agreed_by: tuple[str, ...] = Field(min_length=2, max_length=3)
    proposal_id: Identifier | None = None
    time_of_day: TimeOfDay | None = None
    weekday: Weekday | None = None


class GoalSet(EngagementEvent):
    """The pair co-created a goal."""

    goal_id: Identifier
    owner_id: Identifier
    category: str = Field(min_length=1, max_length=100)
    title: SealedText
    target_date: date | None = None
    shared: bool = False
    why: SealedText | None = None
    steps: tuple[SealedText, ...] = ()


class GoalProgressed(EngagementEvent):
    """A goal moved forward."""

    goal_id: Identifier
    progress_percent: int = Field(ge=0, le=100)
    note: SealedText | None = None


class GoalCompleted(EngagementEvent):
    """A goal was reached."""

    goal_id: Identifier


class GoalDropped(EngagementEvent):
    """A goal was let go on purpose (no longer relevant)."""

    goal_id: Identifier


class CheckInLogged(EngagementEvent):
    """The pair met and one of them logged it."""

    check_in_id: Identifier
    met_on: date
    duration_minutes: int = Field(ge=1, le=600)
    mode: Literal["video", "in_person", "call", "chat"] = "video"
    notes: SealedText | None = None
    asynchronous: bool = False
    topics: tuple[str, ...] = ()
    felt: int | None = Field(default=None, ge=1, le=5)
    notes_shared: bool = False


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
    check_in_id: Identifier | None = None


class PulseSubmittedV1(EngagementEvent):
    """Superseded by v2 (stress, belonging, confidence); kept so v1 records still read."""

    event_name: ClassVar[str] = "PulseSubmitted"
    energy: int = Field(ge=1, le=5)
    value: int = Field(ge=1, le=5)
    would_continue: bool


class PulseSubmitted(EngagementEvent):
    """A participant's short private pulse: stress, belonging and confidence, 1 to 5."""

    version: ClassVar[int] = 2
    stress: int = Field(ge=1, le=5)
    belonging: int = Field(ge=1, le=5)
    confidence: int = Field(ge=1, le=5)


class PulseInvited(EngagementEvent):
    """The pair's members are invited to their monthly pulse (``round`` months together)."""

    member_ids: tuple[str, ...] = Field(min_length=1, max_length=3)
    round: int = Field(ge=1)
    invited_on: date


class MilestoneReachedV1(EngagementEvent):
    """Superseded by v2 (kind plus count); kept so v1 records still read."""

    event_name: ClassVar[str] = "MilestoneReached"
    milestone: Literal[
        "cadence_agreed",
        "first_check_in",
        "streak_4",
        "streak_8",
        "goal_completed",
        "three_months",
    ]
    reached_on: date


class MilestoneReached(EngagementEvent):
    """The pair reached a milestone worth celebrating; ``count`` sizes streaks and days."""

    version: ClassVar[int] = 2
    milestone: Literal[
        "cadence_agreed", "first_check_in", "streak", "first_goal_completed", "days_together"
    ]
    count: int | None = Field(default=None, ge=1)
    reached_on: date


class PairHealthChanged(EngagementEvent):
    """The pair's health moved (e.g. steady to at-risk) and why."""

    previous: PairHealth | None
    current: PairHealth
    reasons: tuple[str, ...] = ()


@upcaster("engagement", "PulseSubmitted", 1)
def _pulse_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 energy became confidence, value became belonging; v1 asked no stress: neutral 3."""
    return {
        **{k: v for k, v in payload.items() if k not in {"energy", "value", "would_continue"}},
        "stress": 3,
        "belonging": payload.get("value"),
        "confidence": payload.get("energy"),
    }


_V1_MILESTONES: dict[str, tuple[str, int | None]] = {
    "cadence_agreed": ("cadence_agreed", None),
    "first_check_in": ("first_check_in", None),
    "streak_4": ("streak", 4),
    "streak_8": ("streak", 8),
    "goal_completed": ("first_goal_completed", None),
    "three_months": ("days_together", 90),
}


@upcaster("engagement", "MilestoneReached", 1)
def _milestone_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 named each streak and anniversary; v2 has one kind with a count."""
    kind, count = _V1_MILESTONES.get(payload.get("milestone", ""), (payload.get("milestone"), None))
    return {**payload, "milestone": kind, "count": count}
