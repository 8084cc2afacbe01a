"""Pairs: by hand, listing (admins see all with scores; participants only their own), ending,
rematch requests."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, status

from tandem_events.backbone import IdempotencyKey
from tandem_matching.api.deps import Admin, Commands, Member, Participant, Reads
from tandem_matching.api.schemas_pairs import (
    PairCreate,
    PairEnd,
    PairPublic,
    ProposedPairPublic,
    RematchCreate,
)
from tandem_matching.api.schemas_programs import CommandAccepted
from tandem_matching.handlers.manual import create_pair_by_hand
from tandem_matching.handlers.pairs import end_pair
from tandem_matching.handlers.rematch import request_rematch
from tandem_matching.projections import queries
from tandem_service.auth import Role

router = APIRouter(tags=["pairs"])


class ManualPairAccepted(CommandAccepted):
    """A pair made by hand, with its score and reasons (absent on a replayed retry)."""

    pair: ProposedPairPublic | None = None


@router.post(
    "/programs/{program_id}/pairs",
    status_code=status.HTTP_201_CREATED,
    response_model=ManualPairAccepted,
)
async def pair_by_hand(
    program_id: str, body: PairCreate, caller: Admin, commands: Commands, key: IdempotencyKey = None
) -> ManualPairAccepted:
    """Pair people by hand; 409 lists broken constraints unless an override reason is given."""
    pair_id, pair, result = await create_pair_by_hand(
        commands, program_id, body.member_ids, body.override_reason, caller.subject, key
    )
    return ManualPairAccepted(
        **result.__dict__, id=pair_id, pair=ProposedPairPublic(**asdict(pair)) if pair else None
    )


@router.get("/programs/{program_id}/pairs", response_model=list[PairPublic])
async def program_pairs(program_id: str, caller: Member, reads: Reads) -> list[dict[str, object]]:
    """The program's pairs: all with score components for admins, your own for participants."""
    if caller.has_any(Role.PROGRAM_ADMIN):
        return await queries.pairs(reads, program_id, None, with_components=True)
    return await queries.pairs(reads, program_id, caller.subject, with_components=False)


@router.get("/me/pairs", response_model=list[PairPublic])
async def my_pairs(caller: Participant, reads: Reads) -> list[dict[str, object]]:
    """Your pairs in every program."""
    return await queries.pairs(reads, None, caller.subject, with_components=False)


@router.post("/pairs/{pair_id}/end", response_model=CommandAccepted)
async def end(
    pair_id: str, body: PairEnd, caller: Admin, commands: Commands, key: IdempotencyKey = None
) -> CommandAccepted:
    """End a pair with a reason."""
    result = await end_pair(commands, pair_id, body.reason, caller.subject, key)
    return CommandAccepted(**result.__dict__, id=pair_id)


@router.post(
    "/pairs/{pair_id}/rematch", status_code=status.HTTP_201_CREATED, response_model=CommandAccepted
)
async def rematch(
    pair_id: str,
    body: RematchCreate,
    caller: Participant,
    commands: Commands,
    key: IdempotencyKey = None,
) -> CommandAccepted:
    """Ask for a new partner: this pair ends, and the next round pairs you with someone else."""
    result = await request_rematch(commands, pair_id, caller.subject, body.reason, key)
    return CommandAccepted(**result.__dict__, id=pair_id)
