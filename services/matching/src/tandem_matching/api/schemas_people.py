"""Request and response bodies for the people directory and enrolment."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tandem_service.api.fields import TimeZoneName

Zone = TimeZoneName
Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
LanguageCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=35)]

TimeOfDay = Literal["morning", "midday", "afternoon", "evening", "any"]


class Person(BaseModel):
    """One person of the organisation."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    person_id: str = Field(min_length=1, max_length=128)
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    level: int = Field(ge=0, le=20)
    department: str = Field(default="", max_length=200)
    team: str = Field(default="", max_length=200)
    manager_id: str | None = Field(default=None, max_length=128)
    timezone: Zone = Field(default="UTC", max_length=64)
    languages: list[LanguageCode] = Field(default_factory=list, max_length=20)
    departed_on: date | None = Field(default=None, description="Set when the person left.")


class PersonIn(Person):
    """One person as imported, with the flag that ends a departure."""

    rehired: bool = Field(
        default=False,
        description="True ends a departure; an older file alone leaves departures as they are.",
    )


class ImportFinding(BaseModel):
    """A warning about one row (imported, but odd)."""

    line: int = Field(description="CSV line (1-based, header = 1) or JSON index (0-based)")
    person_id: str
    field: str
    message: str


class ImportSummary(BaseModel):
    """What an import changed; importing the same data again changes nothing."""

    created: int
    updated: int
    unchanged: int
    departed: list[str]
    withdrawn: list[str] = Field(
        default_factory=list, description="program:person enrolments ended by departures"
    )
    rehired: list[str] = Field(default_factory=list, description="Departures ended by a re-hire")
    warnings: list[ImportFinding] = Field(default_factory=list)


class PersonPublic(Person):
    """A directory entry with the chain of managers above the person (nearest first)."""

    manager_chain: list[str]


class DirectoryPage(BaseModel):
    """One page of the directory and how many match in all."""

    total: int
    limit: int
    offset: int
    people: list[Person]


class Traits(BaseModel):
    """The short personality questionnaire, 1 (not at all) to 5 (very much); kept private."""

    model_config = ConfigDict(extra="forbid")

    openness: int = Field(ge=1, le=5)
    conscientiousness: int = Field(ge=1, le=5)
    extraversion: int = Field(ge=1, le=5)
    agreeableness: int = Field(ge=1, le=5)
    emotional_stability: int = Field(ge=1, le=5)


class Availability(BaseModel):
    """Local working hours, in the profile's time zone."""

    model_config = ConfigDict(extra="forbid")

    start_hour: float = Field(default=9, ge=0, lt=24)
    end_hour: float = Field(default=17, gt=0, le=24)


class ProfileIn(BaseModel):
    """What a participant tells the matcher about themselves."""

    model_config = ConfigDict(extra="forbid")

    skills_offered: list[Term] = Field(default_factory=list, max_length=30)
    skills_sought: list[Term] = Field(default_factory=list, max_length=30)
    goals: list[Term] = Field(
        default_factory=list, max_length=20, description="Goals from the program's vocabulary"
    )
    free_tags: list[Term] = Field(
        default_factory=list, max_length=20, description="Goals in your own words"
    )
    languages: list[LanguageCode] = Field(
        default_factory=list, max_length=10, description="Defaults to the directory's languages"
    )
    timezone: Zone | None = Field(
        default=None, max_length=64, description="Defaults to the directory's time zone"
    )
    meeting_style: Literal["sync", "async", "either"] = "either"
    meeting_minutes: int = Field(default=30, ge=10, le=240)
    every_days: int = Field(default=14, ge=1, le=90)
    time_of_day: TimeOfDay = "any"
    availability: Availability = Field(default_factory=Availability)
    personality: Traits | None = None


class EnrolmentOnBehalf(ProfileIn):
    """An admin enrols someone on their behalf (the event records the admin as the actor)."""

    person_id: str = Field(min_length=1, max_length=128)


class EnrolmentPublic(BaseModel):
    """An enrolment as a program admin sees it (never the personality answers)."""

    program_id: str
    person_id: str
    status: str
    level: int | None
    department: str | None
    profile: dict[str, object]
    rematch_requested: bool
    rematch_reason: str | None = Field(
        default=None,
        description="Why a new partner was asked for (schedule, chemistry, goals_differ, other)",
    )


class OwnEnrolment(EnrolmentPublic):
    """Your own enrolment, with the private answers only you see."""

    personality: Traits | None
    availability: Availability


class Withdrawal(BaseModel):
    """Why you leave (optional)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=500)
