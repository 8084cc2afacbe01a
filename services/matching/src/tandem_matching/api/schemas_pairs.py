"""Request and response bodies for rounds and pairs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ProposedPairPublic(BaseModel):
    """A proposed pair with its score, the score's parts and the reasons in plain words."""

    member_ids: list[str]
    score: float
    components: dict[str, float]
    reasons: list[str]


PairIds = Annotated[list[Annotated[str, Field(min_length=1, max_length=128)]], Field(min_length=2)]


class RoundOptions(BaseModel):
    """Pairs to make as given (pins) and pairs never to make (excludes)."""

    model_config = ConfigDict(extra="forbid")

    pins: list[Annotated[PairIds, Field(max_length=3)]] = Field(
        default_factory=list, max_length=5_000
    )
    excludes: list[Annotated[PairIds, Field(max_length=2)]] = Field(
        default_factory=list, max_length=20_000
    )


class RoundCommit(RoundOptions):
    """Commit the preview of ``preview_token`` exactly, or (without it) plan afresh."""

    preview_token: str | None = Field(
        default=None,
        max_length=64,
        description="From a preview: commits exactly that round; 412 if the program or its "
        "pool changed since. Pins and excludes are then the preview's.",
    )


class RoundQualityPublic(BaseModel):
    """How good the round is: sizes, scores, mixing, optimality, and who stayed out and why."""

    pairs: int
    triads: int
    people_matched: int
    cross_department_pairs: int
    score_min: float
    score_median: float
    score_mean: float
    score_max: float
    total_score: float
    lp_bound: float = Field(
        description="Upper bound of the pairs' total score (LP relaxation), over bound_over"
    )
    gap: float = Field(description="lp_bound minus the pairs' total: at most this far from best")
    gap_percent: float
    unmatched_because: dict[str, str]
    bound_over: str = Field(
        description="The pairs lp_bound and gap speak of: all allowed pairs, or (in large"
        " pools) each person's best-ranked candidates, when a better round could exist outside"
    )


class RoundPreview(BaseModel):
    """What a round would do now; commit exactly it with ``token``."""

    token: str
    pairs: list[ProposedPairPublic]
    unmatched: dict[str, str] = Field(description="person -> no_compatible_peer | odd_one_out")
    total_score: float
    exact: bool
    quality: RoundQualityPublic


class RoundCommitted(BaseModel):
    """A recorded round (on a replayed retry only ids are known)."""

    round_id: str
    pair_ids: list[str]
    pairs: list[ProposedPairPublic] = Field(default_factory=list)
    unmatched: dict[str, str] = Field(default_factory=dict)
    total_score: float | None = None
    quality: RoundQualityPublic | None = None
    replayed: bool = False


class RoundPublic(BaseModel):
    """One round in a program's match history."""

    round_id: str
    pairs: int = Field(description="Groups made (pairs and triads)")
    triads: int | None = Field(description="Groups of three (null for rounds before counts)")
    people_matched: int | None
    unmatched_by_reason: dict[str, int]
    unmatched: dict[str, str] = Field(description="person -> no_compatible_peer | odd_one_out")
    total_score: float
    exact: bool
    completed_at: datetime


class PairCreate(BaseModel):
    """A pair made by hand; breaking a hard constraint needs an override reason."""

    model_config = ConfigDict(extra="forbid")

    member_ids: list[str] = Field(min_length=2, max_length=3)
    override_reason: str | None = Field(default=None, min_length=3, max_length=500)

    @field_validator("member_ids")
    @classmethod
    def distinct_people(cls, value: list[str]) -> list[str]:
        """A pair is of different people."""
        if len(set(value)) != len(value):
            raise ValueError("a pair needs different people; someone is named twice")
        return value


class PartnerPublic(BaseModel):
    """Who a participant is paired with (what partners may see)."""

    person_id: str
    name: str
    department: str
    timezone: str


class PairPublic(BaseModel):
    """A pair as the read model shows it; components only for program admins."""

    pair_id: str
    program_id: str
    member_ids: list[str]
    round_id: str | None
    score: float
    reasons: list[str]
    manual: bool
    override_reason: str | None
    status: str
    end_reason: str | None
    components: dict[str, float] | None = None
    partners: list[PartnerPublic] | None = Field(
        default=None, description="On /me/pairs: your partners' name, department, time zone."
    )


class PairEnd(BaseModel):
    """Why an admin ends a pair."""

    model_config = ConfigDict(extra="forbid")

    reason: Literal["completed", "admin"] = "admin"


class RematchCreate(BaseModel):
    """Why you want a new partner."""

    model_config = ConfigDict(extra="forbid")

    reason: Literal["schedule", "chemistry", "goals_differ", "other"] = "other"
