"""The people directory: import as JSON or CSV (idempotent by person id), and look-ups."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from tandem_matching.api.deps import Admin, Commands
from tandem_matching.api.directory_csv import read_people_csv
from tandem_matching.api.openapi_docs import AUTH, CONFLICT, NOT_FOUND
from tandem_matching.api.schemas_people import DirectoryPage, ImportSummary, PersonIn, PersonPublic
from tandem_matching.handlers.directory import ImportPeople, ImportResult, import_people
from tandem_matching.handlers.tables import DirectoryEntry
from tandem_matching.projections import queries
from tandem_service.api import IdempotencyKey, Reads, run
from tandem_service.commands import CommandRequest

router = APIRouter(prefix="/directory", tags=["directory"], responses=AUTH)
IMPORT_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not an admin"},
    **CONFLICT,
    422: {
        "description": "A malformed file or row (first 100 errors, each naming its row and "
        "field), or a row breaking a rule (unknown manager, self-manager, cycle, duplicate id "
        "or email): nothing is imported"
    },
}
CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {
                "schema": {
                    "type": "string",
                    "description": "Header: person_id,name,email,level (required), then any "
                    "of department,team,manager_id,timezone,languages (separated by ';'),"
                    "departed_on,rehired (true to end a departure)",
                }
            }
        },
    }
}


@router.post(
    "/people",
    response_model=ImportSummary,
    responses=IMPORT_ERRORS,
    description="Needs program_admin or org_admin. A row is its 0-based index in the list.",
)
async def import_json(
    body: list[PersonIn], caller: Admin, commands: Commands, command: IdempotencyKey
) -> JSONResponse:
    """Import people from a JSON list; importing the same people twice changes nothing."""
    return await _import(commands, command, body, caller.subject)


@router.post(
    "/people.csv",
    response_model=ImportSummary,
    openapi_extra=CSV_BODY,
    responses=IMPORT_ERRORS,
    description="Needs program_admin or org_admin. Lines are 1-based, the header is line 1.",
)
async def import_csv(
    request: Request, caller: Admin, commands: Commands, command: IdempotencyKey
) -> JSONResponse:
    """Import people from a CSV upload (a header line, then one person per line)."""
    people, lines = read_people_csv(await request.body())
    return await _import(commands, command, people, caller.subject, lines)


@router.get(
    "/people",
    response_model=DirectoryPage,
    description="Needs program_admin or org_admin.",
)
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


@router.get(
    "/people/{person_id}",
    response_model=PersonPublic,
    responses=NOT_FOUND,
    description="Needs program_admin or org_admin.",
)
async def get_person(person_id: str, _: Admin, reads: Reads) -> dict[str, object]:
    """One person with their manager chain, or 404."""
    found = await queries.person(reads, person_id)
    if found is None:
        raise HTTPException(404, f"no person {person_id} in the directory")
    return found


def _summary(result: ImportResult) -> ImportSummary:
    return ImportSummary.model_validate(asdict(result))


async def _import(
    commands: Commands,
    command: CommandRequest,
    people: list[PersonIn],
    actor: str,
    lines: list[int] | None = None,
) -> JSONResponse:
    entries = [
        DirectoryEntry(**{**p.model_dump(exclude={"rehired"}), "languages": tuple(p.languages)})
        for p in people
    ]
    rehired = frozenset(p.person_id for p in people if p.rehired)
    importing = ImportPeople(actor, entries, lines or (), rehired)
    return await run(commands, command, lambda c: import_people(c, importing), _summary)
