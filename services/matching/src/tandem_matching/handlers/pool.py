"""The pool of a round, read from the write-side tables inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from tandem_matching.domain.profile import (
    NOBODY,
    Candidate,
    answers,
    candidate_of,
    normalise_tags,
    working_window_utc,
)
from tandem_matching.handlers.tables import MatchingTables


async def load_pool(
    tables: MatchingTables,
    program_id: str,
    *,
    only: Sequence[str] | None = None,
    include_busy: bool = False,
    today: date | None = None,
) -> list[Candidate]:
    """Enrolled, present people of the program; by default only those not in an active pair."""
    rows = await tables.enrolled(program_id, only)
    if not include_busy:
        rows = [r for r in rows if not r["busy"]]
    ids = [r["person_id"] for r in rows]
    chains = await tables.manager_chains(ids)
    wanted = set(ids)
    partners: dict[str, set[str]] = {}  # only people with a past or present partner
    for members in await tables.partners_in(program_id, ids):
        for member in members:
            if member in wanted:
                partners.setdefault(member, set()).update(m for m in members if m != member)
    # One day for the whole pool: asking the clock per person cost 10,000 reads at 10,000.
    day = today or datetime.now(UTC).date()
    return [
        _candidate(r, chains.get(r["person_id"]), partners.get(r["person_id"]), day) for r in rows
    ]


def _candidate(
    row: Mapping[str, Any], chain: list[str] | None, partners: set[str] | None, today: date
) -> Candidate:
    profile = row["profile"]
    timezone = profile.get("timezone") or row["timezone"]
    if timezone == "UTC" and row["timezone"]:
        timezone = row["timezone"]  # the directory knows better than a default
    start, hours = working_window_utc(timezone, row["work_start"], row["work_end"], today)
    traits = row["personality"]
    # Most people of a round have no manager in it and no past partner: one shared empty set.
    return candidate_of(
        {
            "person_id": row["person_id"],
            "name": row["name"],
            "level": row["level"],
            "department": row["department"],
            "team": row["team"],
            "skills_offered": normalise_tags(profile.get("skills_offered")),
            "skills_sought": normalise_tags(profile.get("skills_sought")),
            "goals": normalise_tags(profile.get("goals")),
            "languages": normalise_tags(profile.get("languages") or row["languages"]),
            "meeting_style": profile.get("meeting_style", "either"),
            "meeting_minutes": profile.get("meeting_minutes", 30),
            "every_days": profile.get("every_days", 14),
            "time_of_day": profile.get("time_of_day", "any"),
            "utc_start": start,
            "work_hours": hours,
            "personality": answers(tuple(traits)) if traits else None,
            "manager_chain": frozenset(chain) if chain else NOBODY,
            "previous_partners": frozenset(partners) if partners else NOBODY,
        }
    )
