"""Queries on the read models (and, for their owner only, the private answers)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import asyncpg

from tandem_matching.adapters.postgres import PostgresMatchingTables
from tandem_matching.handlers.tables import DirectoryEntry

_ROUNDS = """
SELECT r.*,
    coalesce((SELECT jsonb_object_agg(u.person_id, u.reason) FROM round_unmatched_view u
              WHERE u.round_id = r.round_id), '{}') AS unmatched
FROM round_view r WHERE r.program_id = $1 ORDER BY r.completed_at
"""

_ROSTER = """
SELECT program_id, person_id, status, level, department, profile,
       coalesce(rematch_requested_at > coalesce(last_paired_at, '-infinity'), false)
           AS rematch_requested,
       CASE WHEN rematch_requested_at > coalesce(last_paired_at, '-infinity')
            THEN rematch_reason END AS rematch_reason
FROM roster_view
"""


def _dict(row: asyncpg.Record | None) -> dict[str, Any] | None:
    return dict(row) if row is not None else None


async def programs(pool: asyncpg.Pool, *, with_drafts: bool) -> list[dict[str, Any]]:
    """Every program (drafts only ``with_drafts``), newest first."""
    rows = await pool.fetch(
        "SELECT * FROM program_view WHERE $1 OR status <> 'draft' ORDER BY launched_at DESC",
        with_drafts,
    )
    return [dict(r) for r in rows]


async def program(pool: asyncpg.Pool, program_id: str) -> dict[str, Any] | None:
    """One program."""
    return _dict(
        await pool.fetchrow("SELECT * FROM program_view WHERE program_id = $1", program_id)
    )


async def roster(pool: asyncpg.Pool, program_id: str) -> list[dict[str, Any]]:
    """The program's enrolments (shareable profile only)."""
    rows = await pool.fetch(f"{_ROSTER} WHERE program_id = $1 ORDER BY person_id", program_id)
    return [dict(r) for r in rows]


async def enrolment(pool: asyncpg.Pool, program_id: str, person_id: str) -> dict[str, Any] | None:
    """One enrolment from the roster."""
    return _dict(
        await pool.fetchrow(
            f"{_ROSTER} WHERE program_id = $1 AND person_id = $2", program_id, person_id
        )
    )


async def private_answers(
    pool: asyncpg.Pool, program_id: str, person_id: str
) -> dict[str, Any] | None:
    """The person's own private answers (shown to them alone)."""
    return _dict(
        await pool.fetchrow(
            "SELECT personality, work_start, work_end FROM enrolments"
            " WHERE program_id = $1 AND person_id = $2",
            program_id,
            person_id,
        )
    )


async def pairs(
    pool: asyncpg.Pool, program_id: str | None, member: str | None, *, with_components: bool
) -> list[dict[str, Any]]:
    """Pairs of a program and/or of a member; score components only when asked for."""
    return (await pairs_page(pool, program_id, member, with_components=with_components))[1]


async def pairs_page(
    pool: asyncpg.Pool,
    program_id: str | None,
    member: str | None,
    *,
    with_components: bool,
    round_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """One page of ``pairs`` (oldest first), optionally of one round, and how many in all."""
    where = (
        " WHERE ($1::text IS NULL OR v.program_id = $1)"
        " AND ($2::text IS NULL OR $2 = ANY(v.member_ids))"
        " AND ($3::text IS NULL OR v.round_id = $3)"
    )
    args = (program_id, member, round_id)
    rows = await pool.fetch(
        "SELECT v.*, CASE WHEN $4 THEN i.components END AS components, count(*) OVER () AS total"
        f" FROM pair_view v LEFT JOIN pair_index i USING (pair_id){where}"
        " ORDER BY v.created_at, v.pair_id LIMIT $5 OFFSET $6",
        *args,
        with_components,
        limit,
        offset,
    )
    if rows:
        total = int(rows[0]["total"])
    else:  # past the last page (or nothing): the count still answers
        total = int(await pool.fetchval(f"SELECT count(*) FROM pair_view v{where}", *args))
    return total, [{k: v for k, v in r.items() if k != "total"} for r in rows]


async def pair(pool: asyncpg.Pool, pair_id: str) -> dict[str, Any] | None:
    """One pair."""
    return _dict(await pool.fetchrow("SELECT * FROM pair_view WHERE pair_id = $1", pair_id))


async def rounds(pool: asyncpg.Pool, program_id: str) -> list[dict[str, Any]]:
    """The program's match history, oldest first, each round with who it left unmatched (from
    their own events); its pairs are a page of ``pairs_page`` away (they can be 50,000)."""
    rows = await pool.fetch(_ROUNDS, program_id)
    return [dict(r) for r in rows]


async def person(pool: asyncpg.Pool, person_id: str) -> dict[str, Any] | None:
    """One directory entry with the chain of managers above the person (nearest first)."""
    async with pool.acquire() as conn:
        tables = PostgresMatchingTables(conn)
        entry = await tables.person(person_id)
        if entry is None:
            return None
        chain = (await tables.manager_chains([person_id])).get(person_id, [])
    return {**asdict(entry), "manager_chain": chain}


async def directory_entries(pool: asyncpg.Pool, person_ids: list[str]) -> list[DirectoryEntry]:
    """The directory entries of those of ``person_ids`` it knows."""
    async with pool.acquire() as conn:
        tables = PostgresMatchingTables(conn)
        found = [await tables.person(p) for p in dict.fromkeys(person_ids)]
    return [e for e in found if e is not None]


async def with_partners(
    pool: asyncpg.Pool, found: list[dict[str, Any]], me: str
) -> list[dict[str, Any]]:
    """Each of ``me``'s pairs with the partners' name, department and time zone."""
    ids = [m for p in found for m in p["member_ids"] if m != me]
    people = {e.person_id: e for e in await directory_entries(pool, ids)}
    return [
        {
            **p,
            "partners": [
                {
                    "person_id": m,
                    "name": people[m].name if m in people else m,
                    "department": people[m].department if m in people else "",
                    "timezone": people[m].timezone if m in people else "UTC",
                }
                for m in p["member_ids"]
                if m != me
            ],
        }
        for p in found
    ]


async def directory_page(
    pool: asyncpg.Pool,
    *,
    search: str,
    department: str | None,
    departed: bool | None,
    limit: int,
    offset: int,
) -> tuple[int, list[dict[str, Any]]]:
    """People whose id, name or email contains ``search``, filtered, by name; and the total."""
    where = (
        " WHERE (person_id ILIKE $1 OR name ILIKE $1 OR email ILIKE $1)"
        " AND ($2::text IS NULL OR department = $2)"
        " AND ($3::boolean IS NULL OR (departed_on IS NOT NULL) = $3)"
    )
    pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    args = (pattern, department, departed)
    total = await pool.fetchval(f"SELECT count(*) FROM people{where}", *args)
    rows = await pool.fetch(
        "SELECT person_id, name, email, level, department, team, manager_id, timezone,"
        f" languages, departed_on FROM people{where} ORDER BY name, person_id"
        " LIMIT $4 OFFSET $5",
        *args,
        limit,
        offset,
    )
    return int(total), [dict(r) for r in rows]
