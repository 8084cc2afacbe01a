"""The people directory: import as JSON or CSV (idempotent by person id), and look-ups."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter, ValidationError

from tandem_matching.api.deps import Admin, Commands
from tandem_matching.api.schemas_people import DirectoryPage, ImportSummary, PersonIn, PersonPublic
from tandem_matching.handlers.directory import ImportPeople, ImportResult, import_people
from tandem_matching.handlers.tables import DirectoryEntry
from tandem_matching.projections import queries
from tandem_service.api import IdempotencyKey, Reads, run
from tandem_service.commands import CommandRequest

router = APIRouter(prefix="/directory", tags=["directory"])
_ROWS = TypeAdapter(list[PersonIn])
CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {
                "schema": {
                    "type": "string",
                    "description": "Header: person_id,name,email,level,department,team,"
                    "manager_id,timezone,languages (separated by ';'),departed_on",
                }
            }
        },
    }
}


@router.post("/people", response_model=ImportSummary)
async def import_json(
    body: list[PersonIn], caller: Admin, commands: Commands, command: IdempotencyKey
) -> JSONResponse:
    """Import people from a JSON list; importing the same people twice changes nothing."""
    return await _import(commands, command, body, caller.subject)


@router.post("/people.csv", response_model=ImportSummary, openapi_extra=CSV_BODY)
async def import_csv(
    request: Request, caller: Admin, commands: Commands, command: IdempotencyKey
) -> JSONResponse:
    """Import people from a CSV upload (a header line, then one person per line)."""
    text = (await request.body()).decode("utf-8-sig", errors="replace")
    rows: list[dict[str, object]] = []
    for row in csv.DictReader(io.StringIO(text)):
        cleaned: dict[str, object] = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        languages = str(cleaned.get("languages", ""))
        cleaned["languages"] = [x.strip() for x in languages.split(";") if x.strip()]
        rows.append({k: v for k, v in cleaned.items() if v not in ("", None)})
    try:
        people = _ROWS.validate_python(rows)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None
    return await _import(commands, command, people, caller.subject)


@router.get("/people", response_model=DirectoryPage)
async def list_people(
    _: Admin,
    reads: Reads,
    search: Annotated[str, Query(max_length=200, description="In id, name or email")] = "",
    department: Annotated[str | None, Query(max_length=200)] = None,
    departed: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> DirectoryPage:
    """Search the directory by id, name or email, filter by department or departure, by page."""
    total, people = await queries.directory_page(
        reads,
        search=search,
        department=department,
        departed=departed,
        limit=limit,
        offset=offset,
    )
    return DirectoryPage(total=total, limit=limit, offset=offset, people=people)


@router.get("/people/{person_id}", response_model=PersonPublic)
async def get_person(person_id: str, _: Admin, reads: Reads) -> dict[str, object]:
    """One person with their manager chain, or 404."""
    found = await queries.person(reads, person_id)
    if found is None:
        raise HTTPException(404, f"no person {person_id} in the directory")
    return found


def _summary(result: ImportResult) -> ImportSummary:
    return ImportSummary(**result.__dict__)


async def _import(
    commands: Commands, command: CommandRequest, people: list[PersonIn], actor: str
) -> JSONResponse:
    entries = [
        DirectoryEntry(**{**p.model_dump(), "languages": tuple(p.languages)}) for p in people
    ]
    importing = ImportPeople(actor, entries)
    return await run(commands, command, lambda c: import_people(c, importing), _summary)
