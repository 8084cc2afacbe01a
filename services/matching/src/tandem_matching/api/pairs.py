"""Pairs: by hand, listing (admins see all with scores; participants only their own), ending,
rematch requests."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from tandem_matching.api.deps import (
    Admin,
    Commands,
    Managed,
    ManagedPair,
    Member,
    SeesAllPairs,
)
from tandem_matching.api.openapi_docs import AUTH, CONFLICT, NOT_FOUND
from tandem_matching.api.schemas_pairs import (
    PairCreate,
    PairEnd,
    PairPublic,
    ProposedPairPublic,
    RematchCreate,
)
from tandem_matching.handlers.manual import PairByHand, PairMade, create_pair_by_hand
from tandem_matching.handlers.pairs import EndPair, end_pair
from tandem_matching.handlers.rematch import RequestRematch, request_rematch
from tandem_matching.projections import queries
from tandem_service.api import (
    CommandAccepted,
    IdempotencyKey,
    Participant,
    Reads,
    accepted,
    run,
)
from tandem_service.paging import DEFAULT_PAGE, MAX_PAGE, PAGED, paged

router = APIRouter(tags=["pairs"], responses=AUTH)


class ManualPairAccepted(CommandAccepted):
    """A pair made by hand, with its score and reasons."""

    pair: ProposedPairPublic | None = None


def _made(made: PairMade) -> ManualPairAccepted:
    accepted = ManualPairAccepted.of(made.result, made.pair_id)
    return accepted.model_copy(update={"pair": ProposedPairPublic(**asdict(made.pair))})


@router.post(
    "/programs/{program_id}/pairs",
    status_code=status.HTTP_201_CREATED,
    response_model=ManualPairAccepted,
    responses=NOT_FOUND | CONFLICT,
    description="Needs program_admin (owner or co-admin) or org_admin.",
)
async def pair_by_hand(
    program_id: str,
    body: PairCreate,
    caller: Admin,
    _: Managed,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Pair people by hand; 409 lists broken constraints unless an override reason is given."""
    pairing = PairByHand(caller.subject, program_id, tuple(body.member_ids), body.override_reason)
    return await run(commands, command, lambda c: create_pair_by_hand(c, pairing), _made)


@router.get(
    "/programs/{program_id}/pairs",
    response_model=list[PairPublic],
    responses=NOT_FOUND | PAGED,
    description="Needs participant (your own pairs), program_admin (a program you manage) "
    "or org_admin. A page at a time, oldest first: `X-Total-Count` says how many in all and "
    '`Link: <...>; rel="next"` where the next page is.',
)
async def program_pairs(
    program_id: str,
    all_pairs: SeesAllPairs,
    caller: Member,
    reads: Reads,
    request: Request,
    response: Response,
    round_id: Annotated[str | None, Query(max_length=100, description="Only this round's")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, object]]:
    """The program's pairs: all with score components for its managers, your own otherwise."""
    member = None if all_pairs else caller.subject
    total, found = await queries.pairs_page(
        reads,
        program_id,
        member,
        with_components=all_pairs,
        round_id=round_id,
        limit=limit,
        offset=offset,
    )
    paged(request, response, total, limit, offset)
    return found


@router.get(
    "/me/pairs", response_model=list[PairPublic], description="Needs participant (yourself)."
)
async def my_pairs(caller: Participant, reads: Reads) -> list[dict[str, object]]:
    """Your pairs in every program, with your partners' details and the reasons."""
    found = await queries.pairs(reads, None, caller.subject, with_components=False)
    return await queries.with_partners(reads, found, caller.subject)


@router.post(
    "/pairs/{pair_id}/end",
    response_model=CommandAccepted,
    responses=NOT_FOUND | CONFLICT,
    description="Needs program_admin (of the pair's program) or org_admin.",
)
async def end(
    pair_id: str,
    body: PairEnd,
    caller: Admin,
    _: ManagedPair,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """End a pair with a reason."""
    ending = EndPair(caller.subject, pair_id, body.reason)
    return await run(commands, command, lambda c: end_pair(c, ending), accepted(pair_id))


@router.post(
    "/pairs/{pair_id}/rematch",
    status_code=status.HTTP_201_CREATED,
    response_model=CommandAccepted,
    responses=NOT_FOUND | CONFLICT,
    description="Needs participant: a member of the pair.",
)
async def rematch(
    pair_id: str,
    body: RematchCreate,
    caller: Participant,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Ask for a new partner: this pair ends, and the next round pairs you with someone else."""
    asking = RequestRematch(caller.subject, pair_id, body.reason)
    return await run(commands, command, lambda c: request_rematch(c, asking), accepted(pair_id))
