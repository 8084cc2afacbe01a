"""What notifications and analytics report about a run, once they have caught up with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from tandem_demo.client import CommandRefused, until
from tandem_demo.story import ADMIN, NOT_FOUND, Story
from tandem_service.auth import Role

ENROLLED_SQL = """
SELECT coalesce(sum(people), 0) FROM analytics.participation_monthly
WHERE program_id = $1 AND dimension = 'all' AND measure = 'enrolled'
"""


@dataclass(frozen=True)
class ProgramFigures:
    """The analytics figures the summary shows (null where a group is too small to show)."""

    enrolled: int
    matched: int
    check_ins: int
    goals_completed: int
    health: dict[str, int]
    raw: dict[str, Any]


def _total(rows: list[dict[str, Any]], column: str, **where: str) -> int:
    chosen = [r for r in rows if all(r[k] == v for k, v in where.items())]
    return sum(int(r[column]) for r in chosen if r[column] is not None)


def _latest_health(rows: list[dict[str, Any]]) -> dict[str, int]:
    months = sorted({str(r["month"]) for r in rows})
    last = [r for r in rows if months and str(r["month"]) == months[-1]]
    return {str(r["health"]): int(r["pairs"]) for r in last if r["pairs"] is not None}


def read_figures(answer: dict[str, Any]) -> ProgramFigures:
    """The summary's numbers from analytics' figures API answer."""
    figures = answer["figures"]
    everyone = {"dimension": "all", "group_value": "all"}
    return ProgramFigures(
        enrolled=_total(figures["participation"], "people", measure="enrolled", **everyone),
        matched=_total(figures["participation"], "people", measure="matched", **everyone),
        check_ins=_total(figures["engagement"], "check_ins"),
        goals_completed=_total(figures["engagement"], "goals_completed"),
        health=_latest_health(figures["health"]),
        raw=figures,
    )


NOTHING_YET = ProgramFigures(0, 0, 0, 0, {}, {})


async def analytics_caught_up(story: Story) -> ProgramFigures:
    """The owner's figures once they count every enrolment and check-in the story made."""
    path = f"/api/v1/programs/{story.program_id}/figures"
    tally = story.tally

    async def probe() -> tuple[str, ProgramFigures]:
        try:
            answer = await story.tandem.read("analytics", path, ADMIN, Role.PROGRAM_ADMIN)
        except CommandRefused as refused:
            if refused.status != NOT_FOUND:
                raise
            return "the program itself", NOTHING_YET
        seen = read_figures(answer)
        if (seen.enrolled, seen.check_ins) == (tally.enrolled, tally.check_ins):
            return "", seen
        return f"{seen.enrolled} enrolled, {seen.check_ins} check-ins", seen

    return await until(probe, f"analytics' figures of program {story.program_id}")


async def analyst_enrolled(analyst_dsn: str, program_id: str) -> int:
    """Enrolments of the program as the analyst role reads them from its SQL view."""
    conn = await asyncpg.connect(analyst_dsn)
    try:
        return int(await conn.fetchval(ENROLLED_SQL, program_id))
    finally:
        await conn.close()
