"""The dashboard: one server-rendered page per program, charts drawn by a vendored library.

Served to the same audience as the JSON API (owners, analysts): with a bearer token (e.g.
from the identity proxy in front of the service), or once signed in through /dashboard/sign-in.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from tandem_analytics.api.dashboard_model import HEALTHS, Dashboard
from tandem_analytics.api.deps import PageViewer, Reads
from tandem_analytics.api.figures import ProgramId, freshness_of
from tandem_analytics.projections import queries
from tandem_analytics.projections.queries import Cell

HERE = Path(__file__).parent
STATIC = {p.name: p for p in (HERE / "static").iterdir() if p.suffix in {".js", ".css", ".md"}}
MEDIA = {".js": "text/javascript", ".css": "text/css", ".md": "text/markdown"}
router = APIRouter(prefix="/dashboard", tags=["dashboard"])


def _cell(value: Cell) -> str:
    """A figure as printed: suppressed ones say so."""
    if value is None:
        return "hidden"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _percent(value: Cell) -> str:
    return "hidden" if not isinstance(value, int | float) else f"{100 * value:.0f}%"


pages = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
)
pages.filters["cell"] = _cell
pages.filters["percent"] = _percent


@router.get("/programs/{program_id}", response_class=HTMLResponse)
async def program_page(
    program_id: ProgramId, request: Request, reads: Reads, viewer: PageViewer
) -> HTMLResponse:
    """The program's dashboard: overview, engagement, retention, departments, health, pulse."""
    viewer.check_may_see(program_id, await queries.program_admins(reads))
    (program,) = await queries.programs(reads, [program_id])
    board = Dashboard(
        program,
        await queries.figures(reads, program_id),
        [f.model_dump() for f in await freshness_of(request, reads)],
    )
    live = request.app.state.live
    tiles = live.tiles(program_id) if live is not None else None
    refreshed = await queries.views_refreshed_at(reads)
    html = pages.get_template("dashboard.html").render(
        d=board, health_names=HEALTHS, live=tiles, refreshed=refreshed
    )
    return HTMLResponse(html)


@router.get("/static/{name}", include_in_schema=False)
async def static(name: str) -> FileResponse:
    """The page's own script and style, and the vendored charting library (no CDN)."""
    if name not in STATIC:
        raise HTTPException(404, f"no static file {name!r}")
    path = STATIC[name]
    return FileResponse(
        path, media_type=MEDIA[path.suffix], headers={"Cache-Control": "max-age=3600"}
    )
