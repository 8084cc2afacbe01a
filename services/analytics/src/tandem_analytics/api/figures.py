"""The JSON API over the figures: program owners see their programs, analysts every one."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import APIRouter, Path, Request
from pydantic import BaseModel

from tandem_analytics.api.deps import Reads, Viewer
from tandem_analytics.projections import queries
from tandem_analytics.projections.queries import Row

router = APIRouter(prefix="/api/v1", tags=["figures"])
ProgramId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[\w.:-]+$")]


class ProgramList(BaseModel):
    """The programs whose figures the caller may see."""

    programs: list[Row]


class ProgramFigures(BaseModel):
    """Every figure of one program, as the analyst views show them (small groups are null)."""

    program: Row
    figures: dict[str, list[Row]]


class ProjectionFreshness(BaseModel):
    """How far behind a projection is and when it last changed."""

    name: str
    lag: int | None
    last_changed: str | None


class Freshness(BaseModel):
    """The freshness of every projection the figures come from, and of the figures."""

    projections: list[ProjectionFreshness]
    # The figures are computed from the projections every few minutes (stored views).
    views_refreshed_at: str | None


@router.get("/programs")
async def list_programs(reads: Reads, viewer: Viewer) -> ProgramList:
    """The programs you own (program admins) or every program (analysts)."""
    visible = viewer.programs(await queries.program_admins(reads))
    return ProgramList(programs=await queries.programs(reads, visible))


@router.get("/programs/{program_id}/figures")
async def program_figures(program_id: ProgramId, reads: Reads, viewer: Viewer) -> ProgramFigures:
    """Participation, engagement, health, retention, survival, pulses, departments, milestones."""
    viewer.check_may_see(program_id, await queries.program_admins(reads))
    (program,) = await queries.programs(reads, [program_id])
    return ProgramFigures(program=program, figures=await queries.figures(reads, program_id))


class LiveFigures(BaseModel):
    """Approximate live counts (faust windows over processing time), not exact figures."""

    program_id: str
    live: bool
    check_ins_this_hour: int | None = None
    active_pairs_7_days: int | None = None
    milestones_today: int | None = None


@router.get("/programs/{program_id}/live")
async def live_figures(
    program_id: ProgramId, request: Request, reads: Reads, viewer: Viewer
) -> LiveFigures:
    """Check-ins this hour, pairs active in the last 7 days, milestones today (approximate)."""
    viewer.check_may_see(program_id, await queries.program_admins(reads))
    live = request.app.state.live
    if live is None:
        return LiveFigures(program_id=program_id, live=False)
    return LiveFigures(program_id=program_id, live=True, **live.tiles(program_id))


@router.get("/freshness")
async def freshness(request: Request, reads: Reads, _: Viewer) -> Freshness:
    """Records not yet applied per projection (when this instance runs it), the last change,
    and when the figures were last computed from the projections."""
    return Freshness(
        projections=await freshness_of(request, reads),
        views_refreshed_at=await queries.views_refreshed_at(reads),
    )


async def freshness_of(request: Request, reads: asyncpg.Pool) -> list[ProjectionFreshness]:
    """How far behind each projection is (lag known where this instance runs it)."""
    runners = {r.projection.name: r for r in request.app.state.backbone.runners}
    names = [p.name for p in request.app.state.projections]
    changed = await queries.last_changes(reads, names)
    return [
        ProjectionFreshness(
            name=n, lag=runners[n].lag() if n in runners else None, last_changed=changed[n]
        )
        for n in names
    ]
