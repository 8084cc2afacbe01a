"""The person aggregate: one stream per person, holding their enrolment in each program."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import (
    ParticipantEnrolled,
    ParticipantProfile,
    ParticipantWithdrew,
    ProfileUpdated,
    RematchRequested,
)
from tandem_matching.domain.errors import Conflict, NotFound


def person_stream(person_id: str) -> str:
    """The event stream of one person."""
    return f"person-{person_id}"


@dataclass(frozen=True)
class Enrolment:
    """A person's place in one program."""

    status: str  # enrolled | withdrawn
    profile: ParticipantProfile


@dataclass(frozen=True)
class Participant:
    """A person and their enrolments, by program id."""

    person_id: str = ""
    enrolments: dict[str, Enrolment] = field(default_factory=dict)

    def enrolled_in(self, program_id: str) -> Enrolment:
        """Their current enrolment in the program, or NotFound."""
        found = self.enrolments.get(program_id)
        if found is None or found.status != "enrolled":
            raise NotFound(f"{self.person_id} is not enrolled in program {program_id}")
        return found


def apply_participant(state: Participant, event: DomainEvent) -> Participant:
    """Fold one event into the participant."""
    if isinstance(event, ParticipantEnrolled):
        enrolment = Enrolment("enrolled", event.profile)
    elif isinstance(event, ProfileUpdated):
        enrolment = replace(state.enrolments[event.program_id], profile=event.profile)
    elif isinstance(event, ParticipantWithdrew):
        enrolment = replace(state.enrolments[event.program_id], status="withdrawn")
    else:
        return state
    return Participant(event.person_id, {**state.enrolments, event.program_id: enrolment})


def enrol(state: Participant, event: ParticipantEnrolled) -> list[DomainEvent]:
    """Opt in; allowed again after a withdrawal, not twice at once."""
    current = state.enrolments.get(event.program_id)
    if current is not None and current.status == "enrolled":
        raise Conflict(f"{event.person_id} is already enrolled in program {event.program_id}")
    return [event]


def update_profile(state: Participant, event: ProfileUpdated) -> list[DomainEvent]:
    """Change the profile of a current enrolment."""
    state.enrolled_in(event.program_id)
    return [event]


def withdraw(
    state: Participant, program_id: str, *, reason: str, actor: str, now: datetime
) -> list[DomainEvent]:
    """Leave the program (the caller ends the person's pairs, one stream each)."""
    state.enrolled_in(program_id)
    return [
        ParticipantWithdrew(
            occurred_at=now,
            actor_id=actor,
            program_id=program_id,
            person_id=state.person_id,
            reason=reason,
        )
    ]


def request_rematch(state: Participant, event: RematchRequested) -> list[DomainEvent]:
    """Ask for a new partner in the next round."""
    state.enrolled_in(event.program_id)
    return [event]
