"""Reads of the engagement read models; sealed words are opened only for whoever may see them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from tandem_engagement.domain.access import sees_feedback_words, sees_notes
from tandem_engagement.domain.pulse import needs_support
from tandem_engagement.domain.resources import SUPPORT, Resource, guides_for, merged
from tandem_events.sealing import PersonKeyring

Row = dict[str, Any]
SUMMARY = (
    "pair_id, program_id, opened_at, closed_at, health, health_since, check_ins, last_check_in, "
    "goals_open, goals_completed, feedback_given, milestones"
)


@asynccontextmanager
async def snapshot(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One consistent view across several reads (a projection batch may commit in between)."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        yield conn


async def pair_row(conn: asyncpg.Connection, pair_id: str) -> Row | None:
    """The pair's workspace row (members, program, counts, dates)."""
    row = await conn.fetchrow("SELECT * FROM workspace_view WHERE pair_id = $1", pair_id)
    return dict(row) if row else None


async def owns(conn: asyncpg.Pool | asyncpg.Connection, admin_id: str, program_id: str) -> bool:
    """Whether the admin launched the program (ownership as matching's events tell it)."""
    found = await conn.fetchval(
        "SELECT 1 FROM known_programs WHERE program_id = $1 AND owner_id = $2", program_id, admin_id
    )
    return found is not None


def summary_of(row: Row) -> Row:
    """What an owning admin may see of a pair: state, counts and dates."""
    return {k: row[k] for k in SUMMARY.split(", ")}


async def content(conn: asyncpg.Connection, keys: PersonKeyring, pair_id: str, viewer: str) -> Row:
    """The pair's goals, check-ins, feedback and milestones as the member ``viewer`` sees them."""
    goals = [
        {
            **{
                k: g[k]
                for k in (
                    "goal_id",
                    "owner_id",
                    "shared",
                    "target_date",
                    "status",
                    "progress_percent",
                )
            },
            "title": await keys.unseal_or_none(g["title"]),
            "why": await keys.unseal_or_none(g["why"]),
            "steps": [await keys.unseal_or_none(s) for s in g["steps"]],
        }
        for g in await conn.fetch(
            "SELECT * FROM goal_view WHERE pair_id = $1 ORDER BY goal_id", pair_id
        )
    ]
    check_ins = [
        {
            **{
                k: c[k]
                for k in (
                    "check_in_id",
                    "author_id",
                    "met_on",
                    "duration_minutes",
                    "mode",
                    "asynchronous",
                    "topics",
                    "felt",
                    "notes_shared",
                )
            },
            "notes": await keys.unseal_or_none(c["notes"])
            if sees_notes(viewer, c["author_id"], c["notes_shared"])
            else None,
        }
        for c in await conn.fetch(
            "SELECT * FROM check_in_view WHERE pair_id = $1 ORDER BY met_on, check_in_id", pair_id
        )
    ]
    feedback = [
        {
            **{
                k: f[k]
                for k in (
                    "feedback_id",
                    "check_in_id",
                    "from_id",
                    "to_id",
                    "helpfulness",
                    "kind",
                    "given_at",
                )
            },
            "text": await keys.unseal_or_none(f["text"])
            if sees_feedback_words(viewer, f["to_id"])
            else None,
        }
        for f in await conn.fetch(
            "SELECT * FROM feedback_view WHERE pair_id = $1 AND $2 IN (from_id, to_id) "
            "ORDER BY given_at",
            pair_id,
            viewer,
        )
    ]
    milestones = [
        dict(m)
        for m in await conn.fetch(
            "SELECT milestone, count, reached_on FROM milestone_view WHERE pair_id = $1 "
            "ORDER BY reached_on, milestone, count",
            pair_id,
        )
    ]
    return {"goals": goals, "check_ins": check_ins, "feedback": feedback, "milestones": milestones}


async def program_pairs(
    pool: asyncpg.Pool, program_id: str, limit: int, offset: int
) -> tuple[int, list[Row]]:
    """A page of a program's pairs (state, counts and dates only) and how many in all."""
    rows = await pool.fetch(
        f"SELECT {SUMMARY}, count(*) OVER () AS total FROM workspace_view WHERE program_id = $1"
        " ORDER BY pair_id LIMIT $2 OFFSET $3",
        program_id,
        limit,
        offset,
    )
    if not rows:  # past the last page (or nothing): the count still answers
        total = await pool.fetchval(
            "SELECT count(*) FROM workspace_view WHERE program_id = $1", program_id
        )
        return int(total), []
    return int(rows[0]["total"]), [{k: v for k, v in r.items() if k != "total"} for r in rows]


async def program_health(pool: asyncpg.Pool, program_id: str) -> dict[str, int]:
    """How many open pairs of the program are in each state."""
    rows = await pool.fetch(
        "SELECT health, pairs FROM program_health_view WHERE program_id = $1 AND pairs > 0",
        program_id,
    )
    return {r["health"]: r["pairs"] for r in rows}


async def pulses_of(pool: asyncpg.Pool, person_id: str) -> list[Row]:
    """A participant's own pulse history, oldest first."""
    rows = await pool.fetch(
        "SELECT pair_id, submitted_at, stress, belonging, confidence FROM pulse_view "
        "WHERE person_id = $1 ORDER BY submitted_at",
        person_id,
    )
    return [dict(r) for r in rows]


async def timeline_of(pool: asyncpg.Pool, person_id: str) -> list[Row]:
    """A participant's timeline, oldest first."""
    rows = await pool.fetch(
        "SELECT pair_id, occurred_at, kind, detail FROM timeline_view WHERE person_id = $1 "
        "ORDER BY occurred_at, event_id",
        person_id,
    )
    return [dict(r) for r in rows]


async def resources_for(pool: asyncpg.Pool, person_id: str) -> list[Resource]:
    """The guides of the person's programs, and support when their pulse or a pair calls for it."""
    pairs = await pool.fetch(
        "SELECT program_id, purpose, health FROM workspace_view "
        "WHERE member_ids @> ARRAY[$1::text] AND closed_at IS NULL",
        person_id,
    )
    stress = await pool.fetchval(
        "SELECT stress FROM pulse_view WHERE person_id = $1 ORDER BY submitted_at DESC LIMIT 1",
        person_id,
    )
    found: dict[str, Resource] = {}
    for pair in pairs:
        overrides = await _overrides(pool, pair["program_id"])
        defaults = guides_for(pair["purpose"])
        if needs_support(stress, pair["health"]):
            defaults = (*SUPPORT, *defaults)
        else:
            overrides = {k: r for k, r in overrides.items() if r.kind == "guide"}
        for resource in merged(defaults, overrides):
            found.setdefault(resource.slug, resource)
    if not pairs and needs_support(stress, None):
        found.update({r.slug: r for r in SUPPORT})
    return list(found.values())


async def _overrides(pool: asyncpg.Pool, program_id: str) -> dict[str, Resource]:
    rows = await pool.fetch(
        "SELECT slug, kind, title, body FROM resources WHERE program_id = $1", program_id
    )
    return {r["slug"]: Resource(r["slug"], r["kind"], r["title"], r["body"]) for r in rows}
