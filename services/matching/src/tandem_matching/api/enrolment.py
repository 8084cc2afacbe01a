"""Enrolment: a participant opts in with a profile, reads and updates it, withdraws."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse

from tandem_matching.api.deps import Admin, Commands, Managed
from tandem_matching.api.openapi_docs import AUTH, CONFLICT, NOT_FOUND
from tandem_matching.api.schemas_people import (
    EnrolmentOnBehalf,
    EnrolmentPublic,
    OwnEnrolment,
    ProfileIn,
    Withdrawal,
)
from tandem_matching.domain.profile import Personality
from tandem_matching.handlers import enrolment as handlers
from tandem_matching.projections import queries
from tandem_service.api import (
    CommandAccepted,
    IdempotencyKey,
    Participant,
    Reads,
    accepted,
    run,
)

router = APIRouter(prefix="/programs/{program_id}", tags=["enrolment"], responses=AUTH | NOT_FOUND)


def _answers(body: ProfileIn) -> handlers.Answers:
    traits = body.personality
    return handlers.Answers(
        skills_offered=tuple(body.skills_offered),
        skills_sought=tuple(body.skills_sought),
        goals=tuple(body.goals),
        free_tags=tuple(body.free_tags),
        languages=tuple(body.languages),
        timezone=body.timezone,
        meeting_style=body.meeting_style,
        meeting_minutes=body.meeting_minutes,
        every_days=body.every_days,
        time_of_day=body.time_of_day,
        personality=Personality(**traits.model_dump()) if traits else None,
        work_start=body.availability.start_hour,
        work_end=body.availability.end_hour,
    )


@router.post(
    "/enrolment",
    status_code=status.HTTP_201_CREATED,
    response_model=CommandAccepted,
    responses=CONFLICT,
    description="Needs participant (yourself); 409 when not open, departed or enrolled.",
)
async def enrol(
    program_id: str,
    body: ProfileIn,
    caller: Participant,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Opt in to the program with your profile (you, the caller, are the participant)."""
    enrolling = handlers.EnrolParticipant(program_id, caller.subject, _answers(body))
    return await run(
        commands, command, lambda c: handlers.enrol(c, enrolling), accepted(caller.subject)
    )


@router.get("/enrolment", response_model=OwnEnrolment, description="Needs participant (yourself).")
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


@router.put(
    "/enrolment",
    response_model=CommandAccepted,
    responses=CONFLICT,
    description="Needs participant (yourself).",
)
async def update_enrolment(
    program_id: str,
    body: ProfileIn,
    caller: Participant,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Replace your profile."""
    updating = handlers.UpdateProfile(program_id, caller.subject, _answers(body))
    return await run(
        commands, command, lambda c: handlers.update_profile(c, updating), accepted(caller.subject)
    )


@router.post(
    "/enrolment/withdraw",
    response_model=CommandAccepted,
    responses=CONFLICT,
    description="Needs participant (yourself).",
)
async def withdraw(
    program_id: str,
    body: Withdrawal,
    caller: Participant,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Leave the program; your active pairs end."""
    leaving = handlers.Withdraw(program_id, caller.subject, body.reason, caller.subject)
    return await run(
        commands, command, lambda c: handlers.withdraw(c, leaving), accepted(caller.subject)
    )


@router.get(
    "/roster",
    response_model=list[EnrolmentPublic],
    description="Needs program_admin (owner or co-admin) or org_admin.",
)
async def roster(program_id: str, _: Managed, reads: Reads) -> list[dict[str, object]]:
    """Everyone enrolled in the program, without personality answers."""
    return await queries.roster(reads, program_id)


@router.post(
    "/enrolments",
    status_code=status.HTTP_201_CREATED,
    response_model=CommandAccepted,
    responses={403: {}, 404: {}, 409: {"description": "Not open, departed, enrolled"}},
    description="Needs program_admin (owner or co-admin) or org_admin.",
)
async def enrol_on_behalf(
    program_id: str,
    body: EnrolmentOnBehalf,
    caller: Admin,
    _: Managed,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Enrol someone on their behalf; the enrolment records who did it."""
    enrolling = handlers.EnrolParticipant(
        program_id, body.person_id, _answers(body), actor=caller.subject
    )
    return await run(
        commands, command, lambda c: handlers.enrol(c, enrolling), accepted(body.person_id)
    )
