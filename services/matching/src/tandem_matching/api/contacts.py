"""Contact details for other internal systems (role ``service``): notifications writes to people."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from tandem_matching.api.openapi_docs import AUTH
from tandem_matching.handlers.tables import DirectoryEntry
from tandem_matching.projections import queries
from tandem_service.api import Reads, ServiceCaller

router = APIRouter(prefix="/directory", tags=["directory"], responses=AUTH)


class ContactOut(BaseModel):
    """How to reach one person still in the organisation."""

    person_id: str
    name: str
    email: str
    timezone: str


class ContactsOut(BaseModel):
    """Contacts found; ``unknown``: not in the directory, or departed (write to them no more)."""

    contacts: list[ContactOut]
    unknown: list[str] = Field(default_factory=list)


class PersonContact(BaseModel):
    """One person's contact details, departed or not."""

    person_id: str
    display_name: str
    email: str
    timezone: str
    working_hours: dict[str, float] | None = None
    departed: bool


@router.get(
    "/contacts",
    response_model=ContactsOut,
    responses={403: {"description": "Not a service"}, 422: {"description": "Over 100 ids"}},
    description="Needs the service role.",
)
async def contacts(
    _: ServiceCaller,
    reads: Reads,
    person_id: Annotated[list[str], Query(min_length=1, max_length=100)],
) -> ContactsOut:
    """Contacts of up to 100 people; the departed and the unknown are listed as ``unknown``."""
    found = {
        e.person_id: e
        for e in await queries.directory_entries(reads, person_id)
        if e.departed_on is None
    }
    return ContactsOut(
        contacts=[ContactOut(**_fields(e)) for e in found.values()],
        unknown=sorted(set(person_id) - set(found)),
    )


@router.get(
    "/people/{person_id}/contact",
    response_model=PersonContact,
    responses={403: {"description": "Not a service"}, 404: {"description": "Unknown person"}},
    description="Needs the service role.",
)
async def contact(person_id: str, _: ServiceCaller, reads: Reads) -> PersonContact:
    """One person's contact details, and whether they left."""
    found = await queries.directory_entries(reads, [person_id])
    if not found:
        raise HTTPException(404, f"no person {person_id} in the directory")
    entry = found[0]
    return PersonContact(
        person_id=entry.person_id,
        display_name=entry.name,
        email=entry.email,
        timezone=entry.timezone,
        departed=entry.departed_on is not None,
    )


def _fields(entry: DirectoryEntry) -> dict[str, str]:
    return {
        "person_id": entry.person_id,
        "name": entry.name,
        "email": entry.email,
        "timezone": entry.timezone,
    }
