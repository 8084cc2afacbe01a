"""Reading the figures back for the JSON API and the dashboard: the same views analysts use.

The service reads the analyst views (never the facts), so owners get exactly the suppression
analysts get.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

Cell = str | int | float | None
Row = dict[str, Cell]

# Figure name -> (view, columns, order); program_id is implied by the request.
FIGURES: dict[str, tuple[str, str, str]] = {
    "participation": (
        "participation_monthly",
        "month, dimension, group_value, measure, people",
        "month, dimension, group_value, measure",
    ),
    "unmatched": ("unmatched_reasons", "month, reason, people", "month, reason"),
    "engagement": (
        "engagement_monthly",
        "month, pairs_active, people, check_ins, check_ins_per_pair, cadence_kept, goals_set,"
        " goals_completed, feedback_given, avg_helpfulness",
        "month",
    ),
    "health": ("pair_health_monthly", "month, health, pairs, people", "month, health"),
    "retention": (
        "retention_cohorts",
        "cohort_month, pairs, people, active_30, active_60, active_90, active_180",
        "cohort_month",
    ),
    "survival": ("pair_survival", "days, pairs_at_risk, survival", "days"),
    "end_reasons": ("pair_end_reasons", "reason, pairs, people", "reason"),
    "re_enrolment": ("re_enrolment", "people, returning_people", "people"),
    "pulse": (
        "pulse_monthly",
        "month, dimension, group_value, people, answers, avg_stress, avg_belonging, avg_confidence",
        "month, dimension, group_value",
    ),
    "departments": (
        "department_matrix",
        "department_a, department_b, pairs, people",
        "department_a, department_b",
    ),
    "milestones": ("milestones_monthly", "month, milestone, pairs, people", "month, milestone"),
}


def _cell(value: Any) -> Cell:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value  # type: ignore[no-any-return]  # text, integers and NULL from the views


async def program_admins(pool: asyncpg.Pool) -> dict[str, frozenset[str]]:
    """Every program the projections know, with the pseudonyms of its owner and co-admins."""
    rows = await pool.fetch(
        "SELECT p.program_id, array_remove(p.owner || coalesce(array_agg(a.person)"
        " FILTER (WHERE a.active), '{}'), NULL) AS admins FROM programs p"
        " LEFT JOIN program_admins a USING (program_id) WHERE p.name IS NOT NULL"
        " GROUP BY p.program_id, p.owner"
    )
    return {r["program_id"]: frozenset(r["admins"]) for r in rows}


async def programs(pool: asyncpg.Pool, program_ids: list[str]) -> list[Row]:
    """The named programs as the analyst view shows them."""
    rows = await pool.fetch(
        "SELECT program_id, name, launched_on, closed_on FROM analytics.programs"
        " WHERE program_id = ANY($1::text[]) ORDER BY launched_on, program_id",
        program_ids,
    )
    return [{k: _cell(v) for k, v in r.items()} for r in rows]


async def figures(pool: asyncpg.Pool, program_id: str) -> dict[str, list[Row]]:
    """Every figure of one program, read from the analyst views."""
    out: dict[str, list[Row]] = {}
    async with pool.acquire() as conn:
        for name, (view, columns, order) in FIGURES.items():
            rows = await conn.fetch(
                f"SELECT {columns} FROM analytics.{view} WHERE program_id = $1 ORDER BY {order}",
                program_id,
            )
            out[name] = [{k: _cell(v) for k, v in r.items()} for r in rows]
    return out


async def last_changes(pool: asyncpg.Pool, names: list[str]) -> dict[str, str | None]:
    """When each projection last applied an event."""
    out: dict[str, str | None] = {}
    for name in names:
        at = await pool.fetchval(
            "SELECT max(applied_at) FROM projection_applied WHERE projection = $1", name
        )
        out[name] = at.isoformat() if at is not None else None
    return out


async def views_refreshed_at(pool: asyncpg.Pool) -> str | None:
    """When the stored views (the figures) were last computed from the projections."""
    at = await pool.fetchval("SELECT refreshed_at FROM view_refreshes")
    return at.isoformat() if at is not None else None
