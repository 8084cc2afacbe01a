"""Events of the matching context (topic ``matching.events``): programs, enrolment, pairs.

Personality answers never leave the matching service: enrolment events carry only what
partners and other systems may see.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from tandem_events.catalog.base import DomainEvent, Identifier
from tandem_events.upcasting import upcaster

CrossTeamPreference = Literal["prefer_other_departments", "prefer_same_department", "indifferent"]
TimeOfDay = Literal["morning", "midday", "afternoon", "evening", "any"]


class MatchingEvent(DomainEvent):
    """Base of the matching context's events."""

    context: ClassVar[str] = "matching"
    is_base: ClassVar[bool] = True


class MatchingPolicy(BaseModel):
    """How a program scores and constrains candidate pairs."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    weights: dict[str, float] = Field(default_factory=dict)
    max_level_gap: int = Field(default=1, ge=0, le=10)
    cross_team: CrossTeamPreference = "prefer_other_departments"
    allow_triads: bool = True
    min_overlap_hours: float = Field(default=2.0, ge=0, le=24)
    self_match: bool = Field(
        default=False, description="Participants may also ask a suggested peer directly."
    )


class ProgramLaunched(MatchingEvent):
    """A program admin launched a program with a declared purpose."""

    key_field: ClassVar[str] = "program_id"
    program_id: Identifier
    name: str = Field(min_length=1, max_length=200)
    purpose: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    starts_on: date
    ends_on: date | None = None
    suggested_cadence_days: int = Field(ge=1, le=90)
    policy: MatchingPolicy
    goal_vocabulary: tuple[str, ...] = ()
    draft: bool = Field(
        default=False,
        description="True: created as a draft (editable, hidden from participants); "
        "False (and every event before this field): launched, enrolling and running at once.",
    )


class ProgramUpdated(MatchingEvent):
    """A program's description, dates or policy changed."""

    key_field: ClassVar[str] = "program_id"
    program_id: Identifier
    description: str | None = None
    ends_on: date | None = None
    suggested_cadence_days: int | None = Field(default=None, ge=1, le=90)
    policy: MatchingPolicy | None = None


class ProgramClosed(MatchingEvent):
    """A program ended; its active pairs end with it."""

    key_field: ClassVar[str] = "program_id"
    program_id: Identifier
    reason: str = Field(default="", max_length=500)


class ProgramEnrolmentOpened(MatchingEvent):
    """A draft program opened its enrolment window (``closes_on`` None: open-ended)."""

    key_field: ClassVar[str] = "program_id"
    program_id: Identifier
    opens_on: date
    closes_on: date | None = None


class ProgramStarted(MatchingEvent):
    """A program began running: rounds may now pair its participants."""

    key_field: ClassVar[str] = "program_id"
    program_id: Identifier


class ProgramAdminAdded(MatchingEvent):
    """A program's manager made someone a co-admin of it."""

    key_field: ClassVar[str] = "program_id"
    program_id: Identifier
    person_id: Identifier


class ProgramAdminRemoved(MatchingEvent):
    """A co-admin no longer manages the program."""

    key_field: ClassVar[str] = "program_id"
    program_id: Identifier
    person_id: Identifier


class ParticipantProfile(BaseModel):
    """The shareable part of a participant's profile (no personality answers)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    skills_offered: tuple[str, ...] = ()
    skills_sought: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    timezone: str = "UTC"
    meeting_style: Literal["sync", "async", "either"] = "either"
    meeting_minutes: int = Field(default=30, ge=10, le=240)
    every_days: int = Field(default=14, ge=1, le=90)
    time_of_day: TimeOfDay = "any"


class ParticipantEnrolled(MatchingEvent):
    """A person opted in to a program."""

    key_field: ClassVar[str] = "person_id"
    program_id: Identifier
    person_id: Identifier
    level: int = Field(ge=0, le=20)
    department: str = ""
    profile: ParticipantProfile


class ProfileUpdated(MatchingEvent):
    """A participant changed their profile."""

    key_field: ClassVar[str] = "person_id"
    program_id: Identifier
    person_id: Identifier
    profile: ParticipantProfile


class ParticipantWithdrew(MatchingEvent):
    """A participant left a program; their pending and active pairs end."""

    key_field: ClassVar[str] = "person_id"
    program_id: Identifier
    person_id: Identifier
    reason: str = Field(default="", max_length=500)


class MatchRoundCompletedV1(MatchingEvent):
    """Superseded by v2 (its lists grew with the round); kept so v1 records still read."""

    event_name: ClassVar[str] = "MatchRoundCompleted"
    key_field: ClassVar[str] = "program_id"
    program_id: Identifier
    round_id: Identifier
    pair_ids: tuple[str, ...]
    unmatched: dict[str, str] = Field(default_factory=dict)
    total_score: float = Field(ge=0)
    exact: bool


class MatchRoundCompleted(MatchingEvent):
    """A match round was committed, told in counts so that its size does not grow with the round.

    Each pair is its own ``PairCreated`` naming this ``round_id``; each person left unmatched
    is a ``ParticipantLeftUnmatched``.
    """

    version: ClassVar[int] = 2
    key_field: ClassVar[str] = "program_id"
    program_id: Identifier
    round_id: Identifier
    pairs: int = Field(ge=0, description="Groups made (pairs and triads): one PairCreated each.")
    triads: int | None = Field(
        default=None, ge=0, description="Groups of three among them (None: recorded as v1)."
    )
    people_matched: int | None = Field(
        default=None, ge=0, description="People in the groups (None: recorded as v1)."
    )
    unmatched: dict[str, int] = Field(
        default_factory=dict, description="reason (no_compatible_peer, odd_one_out) -> people"
    )
    total_score: float = Field(ge=0)
    exact: bool


class ParticipantLeftUnmatched(MatchingEvent):
    """A committed round left this participant without a partner, for this reason."""

    key_field: ClassVar[str] = "person_id"
    program_id: Identifier
    round_id: Identifier
    person_id: Identifier
    reason: str = Field(
        min_length=1, max_length=100, description="no_compatible_peer | odd_one_out"
    )


class PairCreated(MatchingEvent):
    """Two (or, for an odd one out, three) peers were paired, with the reasons why."""

    key_field: ClassVar[str] = "pair_id"
    pair_id: Identifier
    program_id: Identifier
    member_ids: tuple[str, ...] = Field(min_length=2, max_length=3)
    round_id: str | None = None
    score: float = Field(ge=0)
    reasons: tuple[str, ...] = ()
    manual: bool = False
    override_reason: str | None = None
    suggested_cadence_days: int = Field(default=14, ge=1, le=90)
    origin: Literal["round", "manual", "self_match"] | None = Field(
        default=None,
        description="How the pair was made (absent before this field: a round, or manual).",
    )
    request_id: str | None = Field(default=None, description="The accepted peer request.")


class PeerRequested(MatchingEvent):
    """A participant asked a suggested peer to pair with them (self-match)."""

    key_field: ClassVar[str] = "request_id"
    request_id: Identifier
    program_id: Identifier
    requester_id: Identifier
    peer_id: Identifier
    expires_at: datetime
    note: str = Field(default="", max_length=500)


class PeerRequestAnswered(MatchingEvent):
    """The asked peer accepted (a pair was made) or declined."""

    key_field: ClassVar[str] = "request_id"
    request_id: Identifier
    program_id: Identifier
    accepted: bool
    pair_id: str | None = None


class PairEnded(MatchingEvent):
    """A pair stopped: completed, someone withdrew, a rematch, the program closed, an admin."""

    key_field: ClassVar[str] = "pair_id"
    pair_id: Identifier
    program_id: Identifier
    member_ids: tuple[str, ...] = Field(min_length=2, max_length=3)
    reason: Literal["completed", "withdrawal", "rematch", "program_closed", "admin"]


class RematchRequested(MatchingEvent):
    """A participant asked for a new partner; answered in the next round."""

    key_field: ClassVar[str] = "person_id"
    program_id: Identifier
    person_id: Identifier
    pair_id: Identifier
    reason: Literal["schedule", "chemistry", "goals_differ", "other"] = "other"


@upcaster("matching", "MatchRoundCompleted", 1)
def _round_lists_became_counts(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 listed pair ids and unmatched people; v2 counts them (v1 did not say the triads)."""
    listed = {k: v for k, v in payload.items() if k not in {"pair_ids", "unmatched"}}
    reasons = Counter((payload.get("unmatched") or {}).values())
    return {**listed, "pairs": len(payload.get("pair_ids") or ()), "unmatched": dict(reasons)}
