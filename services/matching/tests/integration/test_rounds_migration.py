"""Migration 0005 keeps the rounds already projected from v1: counts, and who stayed unmatched."""

from __future__ import annotations

import shutil
from pathlib import Path

import asyncpg

from tandem_matching.bootstrap import SERVICE
from tandem_service.database import apply_migrations
from tandem_testkit.databases import DatabaseFactory

COUNTS = "matching_0005_rounds_in_counts.sql"


async def test_rounds_projected_from_v1_keep_their_unmatched_people(
    database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    *kit, own = SERVICE.all_migrations
    before = tmp_path / "migrations"
    shutil.copytree(own, before, ignore=shutil.ignore_patterns(COUNTS))
    dsn = database_factory.create([*kit, before], prefix="counts")
    try:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(
                "INSERT INTO round_view (round_id, program_id, pair_ids, unmatched, total_score,"
                " exact, completed_at) VALUES ('r1', 'p', '{a,b,c}', $1, 3, true, now()),"
                " ('r2', 'p', '{d}', '{}', 1, false, now())",
                '{"x": "odd_one_out", "y": "no_compatible_peer", "z": "no_compatible_peer"}',
            )
            assert apply_migrations(dsn, [*kit, own]) == 1
            rounds = await conn.fetch(
                "SELECT round_id, pairs, triads, unmatched_by_reason::text AS counted"
                " FROM round_view ORDER BY round_id"
            )
            people = await conn.fetch(
                "SELECT round_id, person_id, reason FROM round_unmatched_view ORDER BY person_id"
            )
        finally:
            await conn.close()
    finally:
        database_factory.drop(dsn)
    assert [tuple(r) for r in rounds] == [
        ("r1", 3, None, '{"odd_one_out": 1, "no_compatible_peer": 2}'),
        ("r2", 1, None, "{}"),
    ]
    assert [tuple(r) for r in people] == [
        ("r1", "x", "odd_one_out"),
        ("r1", "y", "no_compatible_peer"),
        ("r1", "z", "no_compatible_peer"),
    ]
