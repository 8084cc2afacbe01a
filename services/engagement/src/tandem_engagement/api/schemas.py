"""Request and response bodies of the engagement API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from tandem_events.catalog.engagement import TimeOfDay, Weekday

Score = Field(ge=1, le=5)


class CadenceProposal(BaseModel):
    """Cadence terms; time of day and weekday hold in each member's own timezone."""

    every_days: int = Field(ge=1, le=90, description="Meet every N days.")
    meeting_minutes: int = Field(ge=10, le=240)
    time_of_day: TimeOfDay = "any"
    weekday: Weekday | None = None


class GoalCreate(BaseModel):
    """A goal for yourself, or for both of you when ``shared``."""

    title: str = Field(min_length=1, max_length=200)
    why: str | None = Field(default=None, max_length=2000)
    steps: list[str] = Field(default_factory=list, max_length=20)
    shared: bool = False
    target_date: date | None = None


class GoalProgress(BaseModel):
    """How far the goal has come, with an optional note (sealed)."""

    progress_percent: int = Field(ge=0, le=100)
    note: str | None = Field(default=None, max_length=2000)


class CheckInCreate(BaseModel):
    """A meeting or asynchronous check-in; ``met_on`` is a date in your own timezone."""

    met_on: date
    duration_minutes: int = Field(ge=1, le=600)
    mode: Literal["video", "in_person", "call", "chat"] = "video"
    asynchronous: bool = False
    topics: list[str] = Field(default_factory=list, max_length=10)
    felt: int = Field(ge=1, le=5, description="How it felt, 1 (poorly) to 5 (very well).")
    notes: str | None = Field(default=None, max_length=10_000)
    share_notes: bool = Field(default=False, description="Share the notes with your partner.")


class FeedbackCreate(BaseModel):
    """Feedback on a check-in; the words are for the recipient only."""

    helpfulness: int = Field(ge=1, le=5)
    kind: Literal["appreciation", "suggestion"]
    text: str | None = Field(default=None, max_length=4000)
    to_person_id: str | None = Field(default=None, description="Needed in a triad only.")


class PulseCreate(BaseModel):
    """A short private pulse, 1 to 5 each."""

    stress: int = Field(ge=1, le=5)
    belonging: int = Field(ge=1, le=5)
    confidence: int = Field(ge=1, le=5)


class ResourceBody(BaseModel):
    """A support resource or conversation guide."""

    kind: Literal["support", "guide"]
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)


class ResourcePublic(ResourceBody):
    """A resource as participants get it."""

    slug: str


class PairSummary(BaseModel):
    """What a program admin sees of a pair: state, counts and dates; never content."""

    pair_id: str
    program_id: str
    opened_at: datetime
    closed_at: datetime | None
    health: str | None
    health_since: datetime | None
    check_ins: int
    last_check_in: date | None
    goals_open: int
    goals_completed: int
    feedback_given: int
    milestones: int


class Workspace(PairSummary):
    """The pair's workspace as one of its members sees it."""

    member_ids: list[str]
    purpose: str
    cadence: dict[str, Any] | None
    proposal: dict[str, Any] | None
    health_reasons: list[str]
    goals: list[dict[str, Any]]
    check_ins_logged: list[dict[str, Any]]
    feedback: list[dict[str, Any]]
    milestones_reached: list[dict[str, Any]]
