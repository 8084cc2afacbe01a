"""Match rounds: preview (nothing recorded), commit, and the program's match history."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, status

from tandem_events.backbone import IdempotencyKey
from tandem_matching.api.deps import Admin, Commands, Reads
from tandem_matching.api.schemas_pairs import RoundCommitted, RoundPreview, RoundPublic
from tandem_matching.handlers.rounds import commit_round, preview_round
from tandem_matching.projections import queries

router = APIRouter(prefix="/programs/{program_id}/rounds", tags=["rounds"])


@router.post("/preview", response_model=RoundPreview)
async def preview(program_id: str, _: Admin, commands: Commands) -> dict[str, object]:
    """Propose pairs with scores and reasons, and who would stay unmatched; records nothing."""
    return asdict(await preview_round(commands, program_id))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RoundCommitted)
async def commit(
    program_id: str, caller: Admin, commands: Commands, key: IdempotencyKey = None
) -> RoundCommitted:
    """Run the round and record it: MatchRoundCompleted and one PairCreated per pair."""
    done = await commit_round(commands, program_id, caller.subject, key)
    if done.plan is None:
        return RoundCommitted(round_id=done.round_id, pair_ids=done.pair_ids, replayed=True)
    plan = asdict(done.plan)
    return RoundCommitted(
        round_id=done.round_id,
        pair_ids=done.pair_ids,
        pairs=plan["pairs"],
        unmatched=plan["unmatched"],
        total_score=plan["total_score"],
    )


@router.get("", response_model=list[RoundPublic])
async def history(program_id: str, _: Admin, reads: Reads) -> list[dict[str, object]]:
    """The program's committed rounds, oldest first."""
    return await queries.rounds(reads, program_id)
