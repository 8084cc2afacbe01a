"""Enrolment: a participant opts in with a profile, reads and updates it, withdraws."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from tandem_events.backbone import IdempotencyKey
from tandem_events.catalog.matching import ParticipantProfile
from tandem_matching.api.deps import Admin, Commands, Participant, Reads
from tandem_matching.api.schemas_people import (
    EnrolmentPublic,
    OwnEnrolment,
    ProfileIn,
    Withdrawal,
)
from tandem_matching.api.schemas_programs import CommandAccepted
from tandem_matching.domain.profile import Personality
from tandem_matching.handlers import enrolment as handlers
from tandem_matching.handlers.context import CommandContext
from tandem_matching.handlers.programs import load_program
from tandem_matching.projections import queries

router = APIRouter(prefix="/programs/{program_id}", tags=["enrolment"])


@router.post("/enrolment", status_code=status.HTTP_201_CREATED, response_model=CommandAccepted)
async def enrol(
    program_id: str,
    body: ProfileIn,
    caller: Participant,
    commands: Commands,
    key: IdempotencyKey = None,
) -> CommandAccepted:
    """Opt in to the program with your profile (you, the caller, are the participant)."""
    profile, private = await _profile(commands, program_id, caller.subject, body)
    result = await handlers.enrol(commands, program_id, caller.subject, profile, private, key)
    return CommandAccepted(**result.__dict__, id=caller.subject)


@router.get("/enrolment", response_model=OwnEnrolment)
async def own_enrolment(program_id: str, caller: Participant, reads: Reads) -> dict[str, object]:
    """Your enrolment, with the private answers that only you see."""
    found = await queries.enrolment(reads, program_id, caller.subject)
    private = await queries.private_answers(reads, program_id, caller.subject)
    if found is None or private is None:
        raise HTTPException(404, "you are not enrolled in this program (or not yet visible)")
    traits = private["personality"]
    return {
        **found,
        "personality": dict(zip(Personality.__dataclass_fields__, traits, strict=True))
        if traits
        else None,
        "availability": {"start_hour": private["work_start"], "end_hour": private["work_end"]},
    }


@router.put("/enrolment", response_model=CommandAccepted)
async def update_enrolment(
    program_id: str,
    body: ProfileIn,
    caller: Participant,
    commands: Commands,
    key: IdempotencyKey = None,
) -> CommandAccepted:
    """Replace your profile."""
    profile, private = await _profile(commands, program_id, caller.subject, body)
    result = await handlers.update_profile(
        commands, program_id, caller.subject, profile, private, key
    )
    return CommandAccepted(**result.__dict__, id=caller.subject)


@router.post("/enrolment/withdraw", response_model=CommandAccepted)
async def withdraw(
    program_id: str,
    body: Withdrawal,
    caller: Participant,
    commands: Commands,
    key: IdempotencyKey = None,
) -> CommandAccepted:
    """Leave the program; your active pairs end."""
    result = await handlers.withdraw(
        commands, program_id, caller.subject, body.reason, caller.subject, key
    )
    return CommandAccepted(**result.__dict__, id=caller.subject)


@router.get("/roster", response_model=list[EnrolmentPublic])
async def roster(program_id: str, _: Admin, reads: Reads) -> list[dict[str, object]]:
    """Everyone enrolled in the program, without personality answers."""
    return await queries.roster(reads, program_id)


async def _profile(
    commands: CommandContext, program_id: str, person_id: str, body: ProfileIn
) -> tuple[ParticipantProfile, handlers.PrivateAnswers]:
    """Check goals against the program's vocabulary, fill defaults from the directory."""
    program, _ = await load_program(commands, program_id)
    program.require_open()
    vocabulary = set(program.goal_vocabulary)
    goals = [" ".join(g.split()).lower() for g in body.goals]
    for position, goal in enumerate(goals):
        if vocabulary and goal not in vocabulary:
            raise HTTPException(
                422,
                [
                    {
                        "loc": ["body", "goals", position],
                        "type": "value_error",
                        "msg": f"'{goal}' is not in the program's goals {sorted(vocabulary)}; "
                        "use free_tags for your own words",
                    }
                ],
            )
    person = await commands.pool.fetchrow(
        "SELECT timezone, languages FROM people WHERE person_id = $1", person_id
    )
    profile = ParticipantProfile(
        skills_offered=tuple(body.skills_offered),
        skills_sought=tuple(body.skills_sought),
        goals=tuple(dict.fromkeys(goals + [t.strip() for t in body.free_tags])),
        languages=tuple(body.languages or (person["languages"] if person else ())),
        timezone=body.timezone or (person["timezone"] if person else "UTC"),
        meeting_style=body.meeting_style,
        meeting_minutes=body.meeting_minutes,
        every_days=body.every_days,
        time_of_day=body.time_of_day,
    )
    traits = body.personality
    return profile, handlers.PrivateAnswers(
        personality=Personality(**traits.model_dump()) if traits else None,
        work_start=body.availability.start_hour,
        work_end=body.availability.end_hour,
    )
