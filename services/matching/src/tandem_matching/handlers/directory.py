"""The people directory: a checked, all-or-nothing import, idempotent by person id; departures
end enrolments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from tandem_matching.domain.directory import Finding, ImportRow, Link, review_import
from tandem_matching.domain.errors import ImportRefused
from tandem_matching.handlers.context import Context
from tandem_matching.handlers.enrolment import Withdraw, withdraw
from tandem_matching.handlers.tables import DirectoryEntry


@dataclass(frozen=True)
class ImportPeople:
    """Upsert directory entries by person id; ``lines`` say where each stood in the file."""

    actor: str
    entries: Sequence[DirectoryEntry]
    lines: Sequence[int] = ()
    rehired: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ImportResult:
    """What an import changed, which enrolments departures ended (program:person), and why."""

    created: int
    updated: int
    unchanged: int
    departed: list[str]
    withdrawn: list[str]
    rehired: list[str]
    warnings: list[Finding]


def _link(entry: DirectoryEntry) -> Link:
    return Link(entry.person_id, entry.email, entry.manager_id, entry.departed_on)


async def import_people(ctx: Context, command: ImportPeople) -> ImportResult:
    """Check the whole file, then upsert it; one row in error refuses it all; re-import: no-op."""
    lines = command.lines or range(len(command.entries))
    rows = [
        ImportRow(line, _link(e), e.person_id in command.rehired)
        for line, e in zip(lines, command.entries, strict=True)
    ]
    async with ctx.transaction() as tx:
        known = await tx.tables.whole_directory()
        review = review_import(rows, {p.person_id: _link(p) for p in known})
        if review.errors:
            raise ImportRefused(review)
        entries = [replace(e, departed_on=review.departures[e.person_id]) for e in command.entries]
        changed = await tx.tables.upsert_people(entries)
        departed = sorted(r.person_id for r in changed if r.departed_on is not None)
        withdrawn = []
        for program_id, person_id in await tx.tables.enrolments_of(departed):
            leave = Withdraw(program_id, person_id, "left the organisation", command.actor)
            await withdraw(ctx.within(tx), leave)
            withdrawn.append(f"{program_id}:{person_id}")
    created = sum(1 for r in changed if r.created)
    return ImportResult(
        created,
        len(changed) - created,
        len(entries) - len(changed),
        departed,
        withdrawn,
        review.rehired,
        review.warnings,
    )
