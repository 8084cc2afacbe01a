"""The people directory: import as JSON or CSV (idempotent by person id), and look-ups."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from tandem_events.backbone import IdempotencyKey
from tandem_matching.api.deps import Admin, Commands, Reads
from tandem_matching.api.schemas_people import ImportSummary, PersonIn, PersonPublic
from tandem_matching.handlers.context import CommandContext
from tandem_matching.handlers.directory import DirectoryEntry, import_people, manager_chains
from tandem_matching.handlers.enrolment import withdraw

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
    body: list[PersonIn], caller: Admin, commands: Commands, key: IdempotencyKey = None
) -> ImportSummary:
    """Import people from a JSON list; importing the same people twice changes nothing."""
    return await _import(commands, body, caller.subject, key)


@router.post("/people.csv", response_model=ImportSummary, openapi_extra=CSV_BODY)
async def import_csv(
    request: Request, caller: Admin, commands: Commands, key: IdempotencyKey = None
) -> ImportSummary:
    """Import people from a CSV upload (a header line, then one person per line)."""
    text = (await request.body()).decode("utf-8-sig", errors="replace")
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        cleaned = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        cleaned["languages"] = [
            x.strip() for x in cleaned.get("languages", "").split(";") if x.strip()
        ]  # type: ignore[assignment]
        rows.append({k: v for k, v in cleaned.items() if v not in ("", None)})
    try:
        people = _ROWS.validate_python(rows)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None
    return await _import(commands, people, caller.subject, key)


@router.get("/people/{person_id}", response_model=PersonPublic)
async def get_person(person_id: str, _: Admin, reads: Reads) -> dict[str, object]:
    """One person with their manager chain, or 404."""
    async with reads.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM people WHERE person_id = $1", person_id)
        if row is None:
            raise HTTPException(404, f"no person {person_id} in the directory")
        chain = (await manager_chains(conn, [person_id])).get(person_id, [])
    fields = {k: row[k] for k in PersonIn.model_fields}
    return {**fields, "manager_chain": chain}


async def _import(
    commands: CommandContext, people: list[PersonIn], actor: str, key: str | None
) -> ImportSummary:
    entries = [
        DirectoryEntry(**{**p.model_dump(), "languages": tuple(p.languages)}) for p in people
    ]
    result = await import_people(commands, entries)
    withdrawn = []
    if result.departed:
        rows = await commands.pool.fetch(
            "SELECT program_id, person_id FROM enrolments WHERE status = 'enrolled'"
            " AND person_id = ANY($1::text[]) ORDER BY 1, 2",
            result.departed,
        )
        for row in rows:
            derived = f"{key}/departure/{row['program_id']}/{row['person_id']}" if key else None
            await withdraw(
                commands,
                row["program_id"],
                row["person_id"],
                "left the organisation",
                actor,
                derived,
            )
            withdrawn.append(f"{row['program_id']}:{row['person_id']}")
    return ImportSummary(**result.__dict__, withdrawn=withdrawn)
