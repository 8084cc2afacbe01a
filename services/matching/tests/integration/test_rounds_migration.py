"""Migration 0005 keeps the rounds already projected from v1: counts, and who stayed unmatched."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from tandem_testkit.databases import DatabaseFactory

from .migrating import database_before, migrate

COUNTS = "matching_0005_rounds_in_counts.sql"


async def test_rounds_projected_from_v1_keep_their_unmatched_people(
    database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    with database_before(database_factory, tmp_path, COUNTS) as dsn:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(
                "INSERT INTO round_view (round_id, program_id, pair_ids, unmatched, total_score,"
                " exact, completed_at) VALUES ('r1', 'p', '{a,b,c}', $1, 3, true, now()),"
                " ('r2', 'p', '{d}', '{}', 1, false, now())",
                '{"x": "odd_one_out", "y": "no_compatible_peer", "z": "no_compatible_peer"}',
            )
            assert migrate(dsn) == 1
            rounds = await conn.fetch(
                "SELECT round_id, pairs, triads, unmatched_by_reason::text AS counted"
                " FROM round_view ORDER BY round_id"
            )
            people = await conn.fetch(
                "SELECT round_id, person_id, reason FROM round_unmatched_view ORDER BY person_id"
            )
        finally:
            await conn.close()
    assert [tuple(r) for r in rounds] == [
        ("r1", 3, None, '{"odd_one_out": 1, "no_compatible_peer": 2}'),
        ("r2", 1, None, "{}"),
    ]
    assert [tuple(r) for r in people] == [
        ("r1", "x", "odd_one_out"),
        ("r1", "y", "no_compatible_peer"),
        ("r1", "z", "no_compatible_peer"),
    ]
