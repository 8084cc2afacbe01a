"""Match rounds: preview (with its quality and a token), commit, and the program's history."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from tandem_matching.api.deps import Admin, Commands, Managed
from tandem_matching.api.openapi_docs import AUTH, NOT_FOUND
from tandem_matching.api.schemas_pairs import (
    RoundCommit,
    RoundCommitted,
    RoundOptions,
    RoundPreview,
    RoundPublic,
)
from tandem_matching.domain.round_record import plan_as_json
from tandem_matching.handlers.rounds import (
    CommitRound,
    CommittedRound,
    PlanRound,
    commit_round,
    preview_round,
)
from tandem_matching.projections import queries
from tandem_service.api import IdempotencyKey, Reads, run

router = APIRouter(
    prefix="/programs/{program_id}/rounds", tags=["rounds"], responses=AUTH | NOT_FOUND
)
MANAGERS = "Needs program_admin (the program's owner or a co-admin) or org_admin."
REFUSALS: dict[int | str, dict[str, str]] = {
    403: {"description": "Not a manager of the program"},
    404: {"description": "No such program (or preview token)"},
    409: {"description": "Not running, closed, an empty round, or a pin breaking the rules"},
    422: {"description": "Bad pins or excludes (naming the index)"},
}


@router.post(
    "/preview",
    response_model=RoundPreview,
    responses=REFUSALS,
    description=MANAGERS + " Nothing is published; the token commits exactly this round.",
)
async def preview(
    program_id: str, _: Managed, commands: Commands, body: RoundOptions | None = None
) -> Response:
    """Propose pairs with scores, reasons and the round's quality; pins and excludes apply."""
    options = body or RoundOptions()
    planning = PlanRound(program_id, options.pins, options.excludes)
    previewed = await preview_round(commands, planning)
    # Encoded as is: validating 5,000 pairs against the response model and encoding them
    # through FastAPI cost about 0.4 s at 10,000 people (the model stays the documentation).
    encoded = orjson.dumps({"token": previewed.token, **plan_as_json(previewed.plan)})
    return Response(encoded, media_type="application/json")


def _committed(done: CommittedRound) -> RoundCommitted:
    plan = plan_as_json(done.plan)
    return RoundCommitted(
        round_id=done.round_id,
        pair_ids=done.pair_ids,
        pairs=plan["pairs"],
        unmatched=plan["unmatched"],
        total_score=plan["total_score"],
        quality=plan["quality"],
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=RoundCommitted,
    responses={
        **REFUSALS,
        412: {"description": "The program or its pool moved since the preview"},
        413: {"description": "The round is too large to record as one event (see the limit)"},
    },
    description=MANAGERS,
)
async def commit(
    program_id: str,
    caller: Admin,
    _: Managed,
    commands: Commands,
    command: IdempotencyKey,
    body: RoundCommit | None = None,
) -> JSONResponse:
    """Record the round (MatchRoundCompleted and one PairCreated per pair)."""
    given = body or RoundCommit()
    round_ = CommitRound(
        caller.subject, program_id, given.preview_token, given.pins, given.excludes
    )
    return await run(commands, command, lambda c: commit_round(c, round_), _committed)


@router.get(
    "",
    response_model=list[RoundPublic],
    responses={403: REFUSALS[403], 404: {"description": "No such program"}},
    description=MANAGERS,
)
async def history(program_id: str, _: Managed, reads: Reads) -> list[dict[str, object]]:
    """The program's committed rounds, oldest first."""
    return await queries.rounds(reads, program_id)
