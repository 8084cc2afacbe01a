"""CSV exports for a program's managers: the roster and a round's pairs."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from tandem_matching.api.deps import Managed
from tandem_matching.api.openapi_docs import AUTH, NOT_FOUND
from tandem_matching.projections import queries
from tandem_service.api import Reads

router = APIRouter(prefix="/programs/{program_id}", tags=["exports"], responses=AUTH | NOT_FOUND)
MANAGERS = "Needs program_admin (owner or co-admin) or org_admin."


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/roster.csv", response_class=Response, description=MANAGERS)
async def roster_csv(program_id: str, _: Managed, reads: Reads) -> Response:
    """The roster as CSV: person, status, level, department, rematch requested."""
    rows = await queries.roster(reads, program_id)
    return _csv(
        ["person_id", "status", "level", "department", "rematch_requested"],
        (
            [r["person_id"], r["status"], r["level"], r["department"], r["rematch_requested"]]
            for r in rows
        ),
        f"{program_id}-roster.csv",
    )


@router.get(
    "/rounds/{round_id}/pairs.csv",
    response_class=Response,
    responses={404: {"description": "No such round in this program"}},
    description=MANAGERS,
)
async def round_pairs_csv(program_id: str, round_id: str, _: Managed, reads: Reads) -> Response:
    """A committed round's pairs as CSV: pair, members, score, reasons, status."""
    rounds = {r["round_id"] for r in await queries.rounds(reads, program_id)}
    if round_id not in rounds:
        raise HTTPException(404, f"no round {round_id} in program {program_id}")
    pairs = await queries.pairs(reads, program_id, None, with_components=False)
    return _csv(
        ["pair_id", "members", "score", "reasons", "status"],
        (
            [
                p["pair_id"],
                " ".join(p["member_ids"]),
                p["score"],
                "; ".join(p["reasons"]),
                p["status"],
            ]
            for p in pairs
            if p["round_id"] == round_id
        ),
        f"{program_id}-{round_id}-pairs.csv",
    )
