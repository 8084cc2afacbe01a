"""The pool of a round, read from the write side inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import asyncpg

from tandem_matching.domain.profile import (
    Candidate,
    Personality,
    normalise_tags,
    working_window_utc,
)
from tandem_matching.handlers.directory import manager_chains

_ENROLLED = """
SELECT e.person_id, e.profile, e.personality, e.work_start, e.work_end, e.rematch_requested,
       p.name, p.level, p.department, p.team, p.timezone, p.languages,
       EXISTS (SELECT 1 FROM pair_index x WHERE x.program_id = e.program_id AND x.active
               AND e.person_id = ANY(x.member_ids)) AS busy
FROM enrolments e JOIN people p USING (person_id)
WHERE e.program_id = $1 AND e.status = 'enrolled' AND p.departed_on IS NULL
  AND ($2::text[] IS NULL OR e.person_id = ANY($2::text[]))
ORDER BY e.person_id
"""


async def load_pool(
    conn: asyncpg.Connection,
    program_id: str,
    *,
    only: Sequence[str] | None = None,
    include_busy: bool = False,
    today: date | None = None,
) -> list[Candidate]:
    """Enrolled, present people of the program; by default only those not in an active pair."""
    rows = await conn.fetch(_ENROLLED, program_id, list(only) if only is not None else None)
    if not include_busy:
        rows = [r for r in rows if not r["busy"]]
    ids = [r["person_id"] for r in rows]
    chains = await manager_chains(conn, ids)
    partners: dict[str, set[str]] = {pid: set() for pid in ids}
    for pair in await conn.fetch(
        "SELECT member_ids FROM pair_index WHERE program_id = $1 AND member_ids && $2::text[]",
        program_id,
        ids,
    ):
        for member in pair["member_ids"]:
            if member in partners:
                partners[member].update(m for m in pair["member_ids"] if m != member)
    return [
        _candidate(r, chains.get(r["person_id"], []), partners[r["person_id"]], today) for r in rows
    ]


def _candidate(
    row: asyncpg.Record, chain: list[str], partners: set[str], today: date | None
) -> Candidate:
    profile = row["profile"]
    timezone = profile.get("timezone") or row["timezone"]
    if timezone == "UTC" and row["timezone"]:
        timezone = row["timezone"]  # the directory knows better than a default
    start, hours = working_window_utc(timezone, row["work_start"], row["work_end"], today)
    traits = row["personality"]
    return Candidate(
        person_id=row["person_id"],
        name=row["name"],
        level=row["level"],
        department=row["department"],
        team=row["team"],
        skills_offered=normalise_tags(profile.get("skills_offered")),
        skills_sought=normalise_tags(profile.get("skills_sought")),
        goals=normalise_tags(profile.get("goals")),
        languages=normalise_tags(profile.get("languages") or row["languages"]),
        meeting_style=profile.get("meeting_style", "either"),
        meeting_minutes=profile.get("meeting_minutes", 30),
        every_days=profile.get("every_days", 14),
        time_of_day=profile.get("time_of_day", "any"),
        utc_start=start,
        work_hours=hours,
        personality=Personality(*traits) if traits else None,
        manager_chain=frozenset(chain),
        previous_partners=frozenset(partners),
    )
