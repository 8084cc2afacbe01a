"""The Program aggregate: launched with a purpose and a matching policy, updated, closed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import (
    MatchingPolicy,
    MatchRoundCompleted,
    ProgramClosed,
    ProgramLaunched,
    ProgramUpdated,
)
from tandem_matching.domain.errors import Conflict, NotFound
from tandem_matching.domain.scoring import ScoringPolicy

KNOWN_PURPOSES = ("onboarding", "career_development", "team_cohesion")


def program_stream(program_id: str) -> str:
    """The event stream of one program."""
    return f"program-{program_id}"


@dataclass(frozen=True)
class Program:
    """A program as its events left it."""

    program_id: str = ""
    status: str = "new"  # new → launched → closed
    name: str = ""
    purpose: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    suggested_cadence_days: int = 14
    policy: MatchingPolicy = field(default_factory=MatchingPolicy)
    goal_vocabulary: tuple[str, ...] = ()
    rounds: int = 0

    def scoring_policy(self) -> ScoringPolicy:
        """The policy as scoring and the constraints read it."""
        p = self.policy
        return ScoringPolicy.of(
            p.weights,
            max_level_gap=p.max_level_gap,
            cross_team=p.cross_team,
            min_overlap_hours=p.min_overlap_hours,
            allow_triads=p.allow_triads,
        )

    def require_open(self) -> None:
        """Refuse commands on a program that does not exist or is closed."""
        if self.status == "new":
            raise NotFound(f"no program {self.program_id}")
        if self.status == "closed":
            raise Conflict(f"program {self.program_id} is closed")


def apply_program(state: Program, event: DomainEvent) -> Program:
    """Fold one event into the program."""
    if isinstance(event, ProgramLaunched):
        return Program(
            event.program_id,
            "launched",
            event.name,
            event.purpose,
            event.starts_on,
            event.ends_on,
            event.suggested_cadence_days,
            event.policy,
            event.goal_vocabulary,
        )
    if isinstance(event, ProgramUpdated):
        return replace(
            state,
            ends_on=state.ends_on if event.ends_on is None else event.ends_on,
            policy=state.policy if event.policy is None else event.policy,
            suggested_cadence_days=state.suggested_cadence_days
            if event.suggested_cadence_days is None
            else event.suggested_cadence_days,
        )
    if isinstance(event, ProgramClosed):
        return replace(state, status="closed")
    if isinstance(event, MatchRoundCompleted):
        return replace(state, rounds=state.rounds + 1)
    return state


def launch(state: Program, event: ProgramLaunched) -> list[DomainEvent]:
    """Launch a new program; a program id is launched once."""
    if state.status != "new":
        raise Conflict(f"program {event.program_id} already exists")
    if event.ends_on is not None and event.ends_on < event.starts_on:
        raise Conflict("a program cannot end before it starts")
    return [event]


def update(state: Program, event: ProgramUpdated) -> list[DomainEvent]:
    """Change description, end date, cadence or policy of an open program."""
    state.require_open()
    if event.ends_on is not None and state.starts_on and event.ends_on < state.starts_on:
        raise Conflict("a program cannot end before it starts")
    return [event]


def close(state: Program, *, reason: str, actor: str, now: datetime) -> list[DomainEvent]:
    """Close an open program (its pairs are ended by the caller, one stream each)."""
    state.require_open()
    return [
        ProgramClosed(occurred_at=now, actor_id=actor, program_id=state.program_id, reason=reason)
    ]
