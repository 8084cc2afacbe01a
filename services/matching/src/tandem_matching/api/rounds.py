"""Match rounds: preview (nothing recorded), commit, and the program's match history."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from tandem_matching.api.deps import Admin, Commands, Managed
from tandem_matching.api.schemas_pairs import RoundCommitted, RoundPreview, RoundPublic
from tandem_matching.handlers.rounds import CommitRound, CommittedRound, commit_round, preview_round
from tandem_matching.projections import queries
from tandem_service.api import IdempotencyKey, Reads, run

router = APIRouter(prefix="/programs/{program_id}/rounds", tags=["rounds"])


@router.post("/preview", response_model=RoundPreview)
async def preview(program_id: str, _: Managed, commands: Commands) -> dict[str, object]:
    """Propose pairs with scores and reasons, and who would stay unmatched; records nothing."""
    return asdict(await preview_round(commands, program_id))


def _committed(done: CommittedRound) -> RoundCommitted:
    plan = asdict(done.plan)
    return RoundCommitted(
        round_id=done.round_id,
        pair_ids=done.pair_ids,
        pairs=plan["pairs"],
        unmatched=plan["unmatched"],
        total_score=plan["total_score"],
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RoundCommitted)
async def commit(
    program_id: str, caller: Admin, _: Managed, commands: Commands, command: IdempotencyKey
) -> JSONResponse:
    """Run the round and record it: MatchRoundCompleted and one PairCreated per pair."""
    round_ = CommitRound(caller.subject, program_id)
    return await run(commands, command, lambda c: commit_round(c, round_), _committed)


@router.get("", response_model=list[RoundPublic])
async def history(program_id: str, _: Managed, reads: Reads) -> list[dict[str, object]]:
    """The program's committed rounds, oldest first."""
    return await queries.rounds(reads, program_id)
