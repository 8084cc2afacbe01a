"""The people directory: idempotent import by person id, departures, manager chains."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import asyncpg

from tandem_matching.handlers.context import CommandContext

_UPSERT = """
INSERT INTO people AS p (person_id, name, email, level, department, team, manager_id, timezone,
                         languages, departed_on)
SELECT i, n, e, lv, d, t, m, tz, lang::text[], gone
FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[],
            $7::text[], $8::text[], $9::text[], $10::date[])
     AS u(i, n, e, lv, d, t, m, tz, lang, gone)
ON CONFLICT (person_id) DO UPDATE SET
    name = excluded.name, email = excluded.email, level = excluded.level,
    department = excluded.department, team = excluded.team, manager_id = excluded.manager_id,
    timezone = excluded.timezone, languages = excluded.languages,
    departed_on = excluded.departed_on, updated_at = now()
WHERE (p.name, p.email, p.level, p.department, p.team, p.manager_id, p.timezone, p.languages,
       p.departed_on) IS DISTINCT FROM
      (excluded.name, excluded.email, excluded.level, excluded.department, excluded.team,
       excluded.manager_id, excluded.timezone, excluded.languages, excluded.departed_on)
RETURNING person_id, (xmax = 0) AS created, departed_on
"""

_CHAINS = """
WITH RECURSIVE chain(person_id, ancestor, depth) AS (
    SELECT person_id, manager_id, 1 FROM people
    WHERE person_id = ANY($1::text[]) AND manager_id IS NOT NULL
  UNION ALL
    SELECT c.person_id, p.manager_id, c.depth + 1
    FROM chain c JOIN people p ON p.person_id = c.ancestor
    WHERE p.manager_id IS NOT NULL AND c.depth < 64 AND p.manager_id <> c.person_id
)
SELECT person_id, array_agg(ancestor ORDER BY depth) AS chain FROM chain GROUP BY person_id
"""


@dataclass(frozen=True)
class DirectoryEntry:
    """One person as the organisation's directory knows them."""

    person_id: str
    name: str
    email: str
    level: int
    department: str = ""
    team: str = ""
    manager_id: str | None = None
    timezone: str = "UTC"
    languages: tuple[str, ...] = ()
    departed_on: date | None = None


@dataclass(frozen=True)
class ImportResult:
    """What an import changed."""

    created: int
    updated: int
    unchanged: int
    departed: list[str]


async def import_people(ctx: CommandContext, entries: Sequence[DirectoryEntry]) -> ImportResult:
    """Upsert the entries by person id; importing the same list again changes nothing."""
    latest = {e.person_id: e for e in entries}  # the last line about a person wins
    rows = list(latest.values())
    columns = [
        [r.person_id for r in rows],
        [r.name for r in rows],
        [r.email for r in rows],
        [r.level for r in rows],
        [r.department for r in rows],
        [r.team for r in rows],
        [r.manager_id for r in rows],
        [r.timezone for r in rows],
        ["{" + ",".join(_quoted(x) for x in r.languages) + "}" for r in rows],
        [r.departed_on for r in rows],
    ]
    async with ctx.transaction() as conn:
        changed = await conn.fetch(_UPSERT, *columns)
    created = sum(1 for r in changed if r["created"])
    departed = sorted(r["person_id"] for r in changed if r["departed_on"] is not None)
    return ImportResult(created, len(changed) - created, len(rows) - len(changed), departed)


def _quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


async def manager_chains(
    conn: asyncpg.Connection, person_ids: Sequence[str]
) -> dict[str, list[str]]:
    """Each person's managers, nearest first (a cycle in the data stops the walk)."""
    rows = await conn.fetch(_CHAINS, list(person_ids))
    return {r["person_id"]: list(dict.fromkeys(r["chain"])) for r in rows}


async def person_entry(conn: asyncpg.Connection, person_id: str) -> asyncpg.Record | None:
    """The directory row of one person."""
    return await conn.fetchrow("SELECT * FROM people WHERE person_id = $1", person_id)
