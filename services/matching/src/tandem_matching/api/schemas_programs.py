"""Request and response bodies for programs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from tandem_events.catalog.matching import MatchingPolicy
from tandem_matching.domain.program import Program
from tandem_matching.domain.scoring import CRITERIA, DEFAULT_WEIGHTS

VocabularyEntry = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]


class PolicyIn(BaseModel):
    """The matching policy of a program."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_WEIGHTS),
        description=f"Weight of each criterion ({', '.join(sorted(CRITERIA))}); "
        "level_gap weighs the penalty.",
    )
    max_level_gap: int = Field(default=1, ge=0, le=10)
    cross_team: Literal["prefer_other_departments", "prefer_same_department", "indifferent"] = (
        "prefer_other_departments"
    )
    allow_triads: bool = True
    min_overlap_hours: float = Field(default=2.0, ge=0, le=24)
    self_match: bool = Field(
        default=False, description="Participants may also browse suggested peers and ask one."
    )

    @field_validator("weights")
    @classmethod
    def known_non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        """Only known criteria, each weight between 0 and 10."""
        unknown = sorted(set(value) - CRITERIA)
        if unknown:
            raise ValueError(f"unknown criteria {unknown}; known: {sorted(CRITERIA)}")
        if any(not 0 <= w <= 10 for w in value.values()):
            raise ValueError("weights must be between 0 and 10")
        if value and not any(w > 0 for k, w in value.items() if k != "level_gap"):
            raise ValueError("at least one criterion needs a weight above 0")
        return value

    def as_event(self) -> MatchingPolicy:
        """The policy as the events carry it."""
        return MatchingPolicy(**self.model_dump())


class ProgramCreate(BaseModel):
    """A new program, launched at once."""

    model_config = ConfigDict(extra="forbid")

    program_id: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$"
    )
    name: str = Field(min_length=1, max_length=200)
    purpose: str = Field(
        min_length=1,
        max_length=200,
        description=("onboarding, career_development, team_cohesion, or your own words"),
    )
    description: str = Field(default="", max_length=4000)
    starts_on: date
    ends_on: date | None = None
    suggested_cadence_days: int = Field(default=14, ge=1, le=90)
    policy: PolicyIn = Field(default_factory=PolicyIn)
    goal_vocabulary: list[VocabularyEntry] = Field(default_factory=list, max_length=100)
    draft: bool = Field(
        default=False,
        description="True: a draft (editable, hidden from participants) until its enrolment "
        "opens; False: enrolling and running at once.",
    )

    @field_validator("goal_vocabulary")
    @classmethod
    def distinct(cls, value: list[str]) -> list[str]:
        """Each goal once (ignoring case and spaces around it)."""
        seen = [v.strip().lower() for v in value]
        twice = sorted({v for v in seen if seen.count(v) > 1})
        if twice:
            raise ValueError(f"duplicate entries {twice}")
        return value


class ProgramUpdate(BaseModel):
    """Changes to an open program; ``expected_version`` guards against lost updates."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=4000)
    ends_on: date | None = None
    suggested_cadence_days: int | None = Field(default=None, ge=1, le=90)
    policy: PolicyIn | None = None
    expected_version: int | None = Field(default=None, ge=1)


class ProgramClose(BaseModel):
    """Why a program closes."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=500)


class ProgramPublic(BaseModel):
    """A program as the read model shows it."""

    program_id: str
    name: str
    purpose: str
    description: str
    status: str
    starts_on: date
    ends_on: date | None
    suggested_cadence_days: int
    policy: dict[str, object]
    goal_vocabulary: list[str]
    rounds: int
    enrolment_opens_on: date | None = None
    enrolment_closes_on: date | None = None
    owner: str | None = None
    co_admins: list[str] = Field(default_factory=list)
    version: int | None = Field(default=None, description="The ETag's version (write model).")


class EnrolmentWindowIn(BaseModel):
    """When a draft's enrolment opens and (optionally) closes."""

    model_config = ConfigDict(extra="forbid")

    opens_on: date
    closes_on: date | None = None


class CoAdminIn(BaseModel):
    """Someone who will help manage the program."""

    model_config = ConfigDict(extra="forbid")

    person_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.@-]+$")


def public_program(program: Program, version: int) -> ProgramPublic:
    """The program as its write model shows it."""
    return ProgramPublic(
        program_id=program.program_id,
        name=program.name,
        purpose=program.purpose,
        description=program.description,
        status=program.status,
        starts_on=program.starts_on or date.min,
        ends_on=program.ends_on,
        suggested_cadence_days=program.suggested_cadence_days,
        policy=program.policy.model_dump(mode="json"),
        goal_vocabulary=list(program.goal_vocabulary),
        rounds=program.rounds,
        enrolment_opens_on=program.enrolment_opens_on,
        enrolment_closes_on=program.enrolment_closes_on,
        owner=program.owner,
        co_admins=sorted(program.co_admins),
        version=version,
    )


class CommandAccepted(BaseModel):
    """A recorded command: the stream it wrote and its version; ``replayed`` on a retry."""

    stream_id: str
    version: int
    replayed: bool = False
    id: str | None = Field(default=None, description="The id of what was created, if anything.")
