"""A pair's workspace: cadence, goals, check-ins, feedback and pulse (members only)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tandem_engagement.api.deps import Commands
from tandem_engagement.api.schemas import (
    CadenceProposal,
    CheckInCreate,
    FeedbackCreate,
    GoalCreate,
    GoalProgress,
    PulseCreate,
)
from tandem_engagement.domain.checkins import CheckInDraft
from tandem_engagement.domain.workspace import CadenceTerms
from tandem_engagement.handlers import cadence, check_ins, goals
from tandem_engagement.handlers.context import Context
from tandem_service.api import CommandAccepted, IdempotencyKey, Participant, accepted, run
from tandem_service.commands import Appended, CommandRequest

router = APIRouter(prefix="/pairs/{pair_id}", tags=["workspace"])


def _new_id() -> str:
    return uuid.uuid4().hex


async def _run(
    commands: Context,
    command: CommandRequest,
    handle: Callable[[Context], Awaitable[Appended]],
    respond: Callable[[Appended], BaseModel],
) -> JSONResponse:
    # Every workspace command writes once, in handlers.context.commit's one statement, which
    # carries the command's record: no BEGIN, claim, completion or COMMIT (ADR 0046).
    return await run(commands, command, handle, respond, single_write=True)


@router.post("/cadence/proposals", status_code=201, response_model=CommandAccepted)
async def propose(
    pair_id: str,
    body: CadenceProposal,
    caller: Participant,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Propose a cadence, or counter the partner's pending proposal."""
    terms = CadenceTerms(body.every_days, body.meeting_minutes, body.time_of_day, body.weekday)
    proposal = cadence.ProposeCadence(caller.subject, pair_id, _new_id(), terms)
    return await _run(
        commands,
        command,
        lambda c: cadence.propose_cadence(c, proposal),
        accepted(proposal.proposal_id),
    )


@router.post("/cadence/proposals/{proposal_id}/agree", response_model=CommandAccepted)
async def agree(
    pair_id: str,
    proposal_id: str,
    caller: Participant,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Agree to the partner's pending proposal."""
    agreement = cadence.AgreeCadence(caller.subject, pair_id, proposal_id)
    return await _run(
        commands, command, lambda c: cadence.agree_cadence(c, agreement), accepted(proposal_id)
    )


@router.post("/goals", status_code=201, response_model=CommandAccepted)
async def set_goal(
    pair_id: str,
    body: GoalCreate,
    caller: Participant,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Set a goal (title, why and steps are sealed with your key)."""
    goal = goals.SetGoal(
        caller.subject,
        pair_id,
        _new_id(),
        body.title,
        body.why,
        tuple(body.steps),
        body.shared,
        body.target_date,
    )
    return await _run(commands, command, lambda c: goals.set_goal(c, goal), accepted(goal.goal_id))


@router.post("/goals/{goal_id}/progress", response_model=CommandAccepted)
async def progress_goal(
    pair_id: str,
    goal_id: str,
    body: GoalProgress,
    caller: Participant,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Record progress on an open goal."""
    move = goals.MoveGoal(
        caller.subject, pair_id, goal_id, "progress", body.progress_percent, body.note
    )
    return await _run(commands, command, lambda c: goals.move_goal(c, move), accepted(goal_id))


@router.post("/goals/{goal_id}/{action}", response_model=CommandAccepted)
async def close_goal(
    pair_id: str,
    goal_id: str,
    action: Literal["complete", "drop"],
    caller: Participant,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Complete or drop an open goal."""
    move = goals.MoveGoal(caller.subject, pair_id, goal_id, action)
    return await _run(commands, command, lambda c: goals.move_goal(c, move), accepted(goal_id))


@router.post("/check-ins", status_code=201, response_model=CommandAccepted)
async def log_check_in(
    pair_id: str,
    body: CheckInCreate,
    caller: Participant,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Log a meeting or an asynchronous check-in (notes sealed; private unless shared)."""
    draft = CheckInDraft(
        _new_id(),
        body.met_on,
        body.duration_minutes,
        body.mode,
        body.asynchronous,
        tuple(body.topics),
        body.felt,
        None,
        body.share_notes,
    )
    logged = check_ins.LogCheckIn(caller.subject, pair_id, draft, body.notes)
    return await _run(
        commands,
        command,
        lambda c: check_ins.log_check_in(c, logged),
        accepted(draft.check_in_id),
    )


@router.post("/check-ins/{check_in_id}/feedback", status_code=201, response_model=CommandAccepted)
async def give_feedback(
    pair_id: str,
    check_in_id: str,
    body: FeedbackCreate,
    caller: Participant,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Give your partner feedback on a check-in (the words reach only them)."""
    given = check_ins.GiveFeedback(
        caller.subject,
        pair_id,
        _new_id(),
        check_in_id,
        body.to_person_id,
        body.helpfulness,
        body.kind,
        body.text,
    )
    return await _run(
        commands, command, lambda c: check_ins.give_feedback(c, given), accepted(given.feedback_id)
    )


@router.post("/pulse", status_code=201, response_model=CommandAccepted)
async def submit_pulse(
    pair_id: str,
    body: PulseCreate,
    caller: Participant,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Submit a private pulse."""
    pulse = check_ins.SubmitPulse(
        caller.subject, pair_id, body.stress, body.belonging, body.confidence
    )
    return await _run(commands, command, lambda c: check_ins.submit_pulse(c, pulse), accepted())
