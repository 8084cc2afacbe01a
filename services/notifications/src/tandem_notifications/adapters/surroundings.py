"""What a batch of deliveries needs around it: people's choices, programs, pairs (reads)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.domain.preferences import (
    PersonChoices,
    Preferences,
    ProgramDefaults,
    Rhythm,
)


@dataclass(frozen=True)
class ProgramInfo:
    """A program as notifications know it, with its owner's settings."""

    program_id: str
    name: str
    purpose: str
    owner_id: str
    support: str = ""
    defaults: ProgramDefaults = field(default_factory=ProgramDefaults)
    webhook_url: str | None = None
    webhook_secret: str | None = None
    overrides: Mapping[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class PairInfo:
    """A pair's members and state."""

    pair_id: str
    program_id: str
    members: tuple[str, ...]
    active: bool
    health: str | None


def channel_map(raw: Mapping[str, Any]) -> dict[Kind, frozenset[Channel]]:
    """``{"nudge": ["in_app"]}`` as domain values (unknown names were refused at the API)."""
    return {Kind(k): frozenset(Channel(c) for c in v) for k, v in raw.items()}


async def choices(conn: asyncpg.Connection, person_ids: Sequence[str]) -> dict[str, PersonChoices]:
    """Stored choices of those who made any."""
    rows = await conn.fetch(
        "SELECT * FROM preferences WHERE person_id = ANY($1::text[])", list(person_ids)
    )
    return {r["person_id"]: choices_of(r) for r in rows}


def choices_of(row: Mapping[str, Any]) -> PersonChoices:
    """A preferences row as domain values."""
    prefs = Preferences(
        channel_map(_json(row["channels"])), row["email_unsubscribed"], row["share_celebrations"]
    )
    rhythm = Rhythm(
        row["timezone"],
        row["work_start"],
        row["work_end"],
        row["quiet_start"],
        row["quiet_end"],
        frozenset(row["weekend"]),
    )
    return PersonChoices(prefs, rhythm)


async def programs(conn: asyncpg.Connection, program_ids: Sequence[str]) -> dict[str, ProgramInfo]:
    """Programs with their template overrides."""
    ids = list(program_ids)
    rows = await conn.fetch(
        "SELECT p.*, coalesce(s.support, '') AS support, s.channel_defaults, s.webhook_url,"
        " s.webhook_secret FROM programs p LEFT JOIN program_settings s USING (program_id)"
        " WHERE p.program_id = ANY($1::text[])",
        ids,
    )
    templates = await conn.fetch(
        "SELECT program_id, kind, part, source FROM program_templates"
        " WHERE program_id = ANY($1::text[])",
        ids,
    )
    overrides: dict[str, dict[tuple[str, str], str]] = {}
    for t in templates:
        overrides.setdefault(t["program_id"], {})[(t["kind"], t["part"])] = t["source"]
    return {
        r["program_id"]: ProgramInfo(
            r["program_id"],
            r["name"],
            r["purpose"],
            r["owner_id"],
            r["support"],
            ProgramDefaults(channel_map(_json(r["channel_defaults"]))),
            r["webhook_url"],
            r["webhook_secret"],
            overrides.get(r["program_id"], {}),
        )
        for r in rows
    }


async def pairs(conn: asyncpg.Connection, pair_ids: Sequence[str]) -> dict[str, PairInfo]:
    """Pairs by id."""
    rows = await conn.fetch(
        "SELECT pair_id, program_id, member_ids, active, health FROM pairs"
        " WHERE pair_id = ANY($1::text[])",
        list(pair_ids),
    )
    return {
        r["pair_id"]: PairInfo(
            r["pair_id"], r["program_id"], tuple(r["member_ids"]), r["active"], r["health"]
        )
        for r in rows
    }


async def program_counts(conn: asyncpg.Connection, program_id: str) -> dict[str, int]:
    """A digest's numbers: active, at-risk and ended pairs (counts, never content)."""
    row = await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE active) AS active,"
        " count(*) FILTER (WHERE active AND health IN ('at_risk', 'stalled')) AS at_risk,"
        " count(*) FILTER (WHERE NOT active) AS ended FROM pairs WHERE program_id = $1",
        program_id,
    )
    return dict(row) if row else {"active": 0, "at_risk": 0, "ended": 0}


def _json(value: Any) -> dict[str, Any]:
    return dict(value or {})  # the pool's codec decodes jsonb
