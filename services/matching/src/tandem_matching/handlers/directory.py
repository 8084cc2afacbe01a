"""The people directory: idempotent import by person id; departures end enrolments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tandem_matching.handlers.context import Context
from tandem_matching.handlers.enrolment import Withdraw, withdraw
from tandem_matching.handlers.tables import DirectoryEntry


@dataclass(frozen=True)
class ImportPeople:
    """Upsert directory entries by person id (the last line about a person wins)."""

    actor: str
    entries: Sequence[DirectoryEntry]


@dataclass(frozen=True)
class ImportResult:
    """What an import changed, and which enrolments departures ended (program:person)."""

    created: int
    updated: int
    unchanged: int
    departed: list[str]
    withdrawn: list[str]


async def import_people(ctx: Context, command: ImportPeople) -> ImportResult:
    """Upsert the entries; importing the same list again changes nothing."""
    rows = list({e.person_id: e for e in command.entries}.values())
    async with ctx.transaction() as tx:
        changed = await tx.tables.upsert_people(rows)
        departed = sorted(r.person_id for r in changed if r.departed_on is not None)
        withdrawn = []
        for program_id, person_id in await tx.tables.enrolments_of(departed):
            leave = Withdraw(program_id, person_id, "left the organisation", command.actor)
            await withdraw(ctx.within(tx), leave)
            withdrawn.append(f"{program_id}:{person_id}")
    created = sum(1 for r in changed if r.created)
    return ImportResult(
        created, len(changed) - created, len(rows) - len(changed), departed, withdrawn
    )
