"""The Program aggregate: launched with a purpose and a policy, managed by its owner and
co-admins, updated, closed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import (
    MatchingPolicy,
    MatchRoundCompleted,
    ProgramAdminAdded,
    ProgramAdminRemoved,
    ProgramClosed,
    ProgramEnrolmentOpened,
    ProgramLaunched,
    ProgramStarted,
    ProgramUpdated,
)
from tandem_matching.domain.errors import Conflict, Forbidden, Invalid, NotFound
from tandem_matching.domain.scoring import ScoringPolicy

KNOWN_PURPOSES = ("onboarding", "career_development", "team_cohesion")


def program_stream(program_id: str) -> str:
    """The event stream of one program."""
    return f"program-{program_id}"


@dataclass(frozen=True)
class Program:
    """A program as its events left it."""

    program_id: str = ""
    # new → draft → enrolling → running → closed; "launched" (created before drafts, or not
    # as a draft) enrols and runs at once
    status: str = "new"
    name: str = ""
    purpose: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    suggested_cadence_days: int = 14
    policy: MatchingPolicy = field(default_factory=MatchingPolicy)
    goal_vocabulary: tuple[str, ...] = ()
    rounds: int = 0
    description: str = ""
    owner: str = ""
    co_admins: frozenset[str] = frozenset()
    enrolment_opens_on: date | None = None
    enrolment_closes_on: date | None = None

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

    def check_exists(self) -> None:
        """Refuse to name a program that was never launched."""
        if self.status == "new":
            raise NotFound(f"no program {self.program_id}")

    def check_manager(self, subject: str, *, org_admin: bool) -> None:
        """Only the owner, a co-admin or an organisation-wide admin manages the program."""
        self.check_exists()
        if not org_admin and subject != self.owner and subject not in self.co_admins:
            raise Forbidden(
                f"only the owner and co-admins of program {self.program_id} manage it",
                owner=self.owner,
            )

    def check_visible(self, *, to_manager: bool) -> None:
        """A draft is seen only by those who manage programs."""
        self.check_exists()
        if self.status == "draft" and not to_manager:
            raise NotFound(f"no program {self.program_id}")

    def check_enrolment_open(self, today: date) -> None:
        """Enrolment needs an opened program, within its window."""
        self.require_open()
        if self.status == "draft":
            raise Conflict(f"program {self.program_id} is a draft: enrolment is not open yet")
        opens, closes = self.enrolment_opens_on, self.enrolment_closes_on
        if opens is not None and today < opens:
            raise Conflict(f"enrolment in {self.program_id} opens on {opens}")
        if closes is not None and today > closes:
            raise Conflict(f"enrolment in {self.program_id} closed on {closes}")

    def check_running(self) -> None:
        """Pairs are made only while the program runs."""
        self.require_open()
        if self.status not in ("running", "launched"):
            raise Conflict(
                f"program {self.program_id} is {self.status}: start it before pairing people"
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
            "draft" if event.draft else "launched",
            event.name,
            event.purpose,
            event.starts_on,
            event.ends_on,
            event.suggested_cadence_days,
            event.policy,
            event.goal_vocabulary,
            description=event.description,
            owner=event.actor_id,
        )
    if isinstance(event, ProgramEnrolmentOpened):
        return replace(
            state,
            status="enrolling",
            enrolment_opens_on=event.opens_on,
            enrolment_closes_on=event.closes_on,
        )
    if isinstance(event, ProgramStarted):
        return replace(state, status="running")
    if isinstance(event, ProgramAdminAdded):
        return replace(state, co_admins=state.co_admins | {event.person_id})
    if isinstance(event, ProgramAdminRemoved):
        return replace(state, co_admins=state.co_admins - {event.person_id})
    if isinstance(event, ProgramUpdated):
        return replace(
            state,
            description=state.description if event.description is None else event.description,
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
    """Launch a new program; a program id is launched once, not in the past."""
    if state.status != "new":
        raise Conflict(f"program {event.program_id} already exists")
    if event.starts_on < event.occurred_at.date():
        raise Invalid(("body", "starts_on"), "a new program cannot start in the past")
    _check_ends(event.starts_on, event.ends_on)
    return [event]


def _check_ends(starts_on: date | None, ends_on: date | None) -> None:
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        raise Invalid(("body", "ends_on"), f"a program cannot end before it starts ({starts_on})")


def update(state: Program, event: ProgramUpdated) -> list[DomainEvent]:
    """Change description, end date, cadence or policy of an open program."""
    state.require_open()
    _check_ends(state.starts_on, event.ends_on)
    return [event]


def add_admin(state: Program, person_id: str, *, actor: str, now: datetime) -> list[DomainEvent]:
    """Make ``person_id`` a co-admin of an open program (once)."""
    state.require_open()
    if person_id == state.owner or person_id in state.co_admins:
        raise Conflict(f"{person_id} already manages program {state.program_id}")
    return [
        ProgramAdminAdded(
            occurred_at=now, actor_id=actor, program_id=state.program_id, person_id=person_id
        )
    ]


def remove_admin(state: Program, person_id: str, *, actor: str, now: datetime) -> list[DomainEvent]:
    """Remove a co-admin; the owner always stays."""
    state.check_exists()
    if person_id not in state.co_admins:
        raise NotFound(f"{person_id} is not a co-admin of program {state.program_id}")
    return [
        ProgramAdminRemoved(
            occurred_at=now, actor_id=actor, program_id=state.program_id, person_id=person_id
        )
    ]


def close(state: Program, *, reason: str, actor: str, now: datetime) -> list[DomainEvent]:
    """Close an open program (its pairs are ended by the caller, one stream each)."""
    state.require_open()
    return [
        ProgramClosed(occurred_at=now, actor_id=actor, program_id=state.program_id, reason=reason)
    ]


def open_enrolment(
    state: Program, opens_on: date, closes_on: date | None, *, actor: str, now: datetime
) -> list[DomainEvent]:
    """Open a draft's enrolment window; it may not end before it opens, nor in the past."""
    state.require_open()
    if state.status != "draft":
        raise Conflict(f"program {state.program_id} is {state.status}, not a draft")
    if closes_on is not None and closes_on < max(opens_on, now.date()):
        raise Invalid(("body", "closes_on"), "the enrolment window would close before it opens")
    return [
        ProgramEnrolmentOpened(
            occurred_at=now,
            actor_id=actor,
            program_id=state.program_id,
            opens_on=opens_on,
            closes_on=closes_on,
        )
    ]


def start(state: Program, *, actor: str, now: datetime) -> list[DomainEvent]:
    """Start a draft or enrolling program: rounds may run."""
    state.require_open()
    if state.status not in ("draft", "enrolling"):
        raise Conflict(f"program {state.program_id} is already {state.status}")
    return [ProgramStarted(occurred_at=now, actor_id=actor, program_id=state.program_id)]
