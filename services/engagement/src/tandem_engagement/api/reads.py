"""Reading a workspace (members: content; owning admins: state only), your pulses, timeline
and resources, and a program's pairs and health (owning admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response

from tandem_engagement.api.schemas import PairSummary, ResourcePublic, Workspace
from tandem_engagement.domain.access import view_of
from tandem_engagement.projections import queries
from tandem_events.sealing import PersonKeyring
from tandem_service.api import Admin, Member, Participant, Reads
from tandem_service.auth import Role
from tandem_service.paging import DEFAULT_PAGE, MAX_PAGE, PAGED, paged

router = APIRouter(tags=["reads"])
DENIED = "only the pair's members see its workspace; its program's owner sees its state"


@router.get("/pairs/{pair_id}/workspace", response_model=Workspace | PairSummary)
async def workspace(pair_id: str, caller: Member, reads: Reads) -> dict[str, Any]:
    """The workspace: all of it for a member, state, counts and dates for the owning admin."""
    async with queries.snapshot(reads) as view:
        row = await queries.pair_row(view, pair_id)
        if row is None:
            raise HTTPException(404, "no such pair here (yet)")
        admin = caller.has_any(Role.PROGRAM_ADMIN)
        seen = view_of(
            caller.subject,
            is_participant=caller.has_any(Role.PARTICIPANT),
            is_admin=admin,
            members=tuple(row["member_ids"]),
            owns_program=admin and await queries.owns(view, caller.subject, row["program_id"]),
        )
        if seen is None:
            raise HTTPException(403, DENIED)
        if seen == "owner":
            return PairSummary(**queries.summary_of(row)).model_dump()
        found = await queries.content(view, PersonKeyring(reads), pair_id, caller.subject)
    return {
        **row,
        "goals": found["goals"],
        "check_ins_logged": found["check_ins"],
        "feedback": found["feedback"],
        "milestones_reached": found["milestones"],
    }


@router.get("/me/pulses")
async def my_pulses(caller: Participant, reads: Reads) -> list[dict[str, Any]]:
    """Your own pulse history."""
    return await queries.pulses_of(reads, caller.subject)


@router.get("/me/timeline")
async def my_timeline(caller: Participant, reads: Reads) -> list[dict[str, Any]]:
    """What happened in your pairs, oldest first."""
    return await queries.timeline_of(reads, caller.subject)


@router.get("/me/resources", response_model=list[ResourcePublic])
async def my_resources(caller: Participant, reads: Reads) -> list[dict[str, Any]]:
    """Your programs' guides, and support resources after a stressful pulse or a pair at risk."""
    return [r.__dict__ for r in await queries.resources_for(reads, caller.subject)]


async def _owned(reads: Any, admin: str, program_id: str) -> None:
    if not await queries.owns(reads, admin, program_id):
        raise HTTPException(403, "only the program's owner sees its pairs")


@router.get(
    "/programs/{program_id}/pairs",
    response_model=list[PairSummary],
    responses=PAGED,
    description="A page at a time, by pair id: `X-Total-Count` says how many in all and "
    '`Link: <...>; rel="next"` where the next page is.',
)
async def program_pairs(
    program_id: str,
    caller: Admin,
    reads: Reads,
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """The program's pairs with health, counts and dates (owning admins)."""
    await _owned(reads, caller.subject, program_id)
    total, found = await queries.program_pairs(reads, program_id, limit, offset)
    paged(request, response, total, limit, offset)
    return found


@router.get("/programs/{program_id}/health")
async def program_health(program_id: str, caller: Admin, reads: Reads) -> dict[str, int]:
    """How many of the program's open pairs are in each health state (owning admins)."""
    await _owned(reads, caller.subject, program_id)
    return await queries.program_health(reads, program_id)
