"""An analyst trying to get around the suppression of small groups, and failing."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from .conftest import Analytics, analyst_dsn, grant_analyst_on_clone
from .test_order import VIEWS

# Columns that count people; a count of pairs is shown only beside 5 or more people.
PEOPLE = ("people", "returning_people")
PAIRS = ("pairs", "pairs_active")
PSEUDONYM = re.compile(r"^[0-9a-f]{24}$")


@pytest.fixture(scope="module")
def analyst(in_order: Analytics, postgres_dsn: str) -> Iterator[psycopg.Connection]:
    grant_analyst_on_clone(in_order.dsn)
    database = in_order.dsn.rsplit("/", 1)[1]
    with psycopg.connect(analyst_dsn(postgres_dsn, database), autocommit=True) as conn:
        yield conn


def rows(conn: psycopg.Connection, sql: str) -> list[dict[str, Any]]:
    cursor = conn.execute(sql)  # type: ignore[call-overload]  # test SQL
    names = [c.name for c in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


@pytest.mark.parametrize("view", VIEWS)
def test_no_count_of_people_below_five_in_any_view(analyst: psycopg.Connection, view: str) -> None:
    for row in rows(analyst, f"SELECT * FROM analytics.{view}"):
        for column in PEOPLE:
            value = row.get(column)
            assert value is None or value == 0 or value >= 5, (view, row)
        for column in PAIRS:
            if row.get(column) is not None:
                assert row["people"] >= 5, (view, row)
        assert not any(isinstance(v, str) and PSEUDONYM.match(v) for v in row.values())


def test_no_view_has_a_person_or_pair_column(analyst: psycopg.Connection) -> None:
    columns = rows(
        analyst,
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'analytics'",
    )
    assert columns
    names = {c["column_name"] for c in columns}
    assert not names & {"person", "members", "pair_id", "event_id", "person_id", "check_in_id"}


def test_narrowing_a_filter_to_a_tiny_group_shows_nothing(analyst: psycopg.Connection) -> None:
    tiny = rows(
        analyst,
        "SELECT * FROM analytics.participation_monthly WHERE group_value = 'Legal'"
        " AND measure = 'enrolled'",
    )
    assert tiny
    assert all(r["people"] is None for r in tiny)
    matrix = rows(
        analyst,
        "SELECT * FROM analytics.department_matrix WHERE 'Legal' IN (department_a, department_b)",
    )
    assert matrix
    assert all(r["pairs"] is None and r["people"] is None for r in matrix)
    pulses = rows(analyst, "SELECT * FROM analytics.pulse_monthly WHERE group_value = 'Legal'")
    assert all(r["avg_belonging"] is None for r in pulses)


def differences(table: list[dict[str, Any]], partition: tuple[str, ...]) -> tuple[int, list[int]]:
    """For each total, the total minus its shown groups: what an analyst would learn."""
    totals: dict[tuple[Any, ...], int] = {}
    shown: dict[tuple[Any, ...], int] = defaultdict(int)
    complementary = 0
    for r in table:
        key = tuple(r[c] for c in partition)
        if r["dimension"] == "all":
            totals[key] = r["people"]
        elif r["people"] is not None:
            shown[(*key, r["dimension"])] += r["people"]
    gaps = []
    dims = {r["dimension"] for r in table} - {"all"}
    for key, total in totals.items():
        for dim in dims:
            if total is None or (*key, dim) not in shown:
                continue
            gaps.append(total - shown[(*key, dim)])
    for r in table:
        if r["dimension"] != "all" and r["people"] is None:
            complementary += 1
    return complementary, gaps


def test_a_total_minus_its_shown_groups_never_isolates_a_small_group(
    analyst: psycopg.Connection,
) -> None:
    participation = rows(analyst, "SELECT * FROM analytics.participation_monthly")
    _, gaps = differences(participation, ("program_id", "month", "measure"))
    assert gaps
    assert all(gap == 0 or gap >= 5 for gap in gaps), sorted(set(gaps))
    pulses = rows(analyst, "SELECT * FROM analytics.pulse_monthly")
    _, gaps = differences(pulses, ("program_id", "month"))
    assert all(gap == 0 or gap >= 5 for gap in gaps), sorted(set(gaps))


def test_joining_views_gives_no_small_group(analyst: psycopg.Connection) -> None:
    joined = rows(
        analyst,
        "SELECT p.program_id, p.month, p.group_value, p.people AS enrolled,"
        " s.people AS answered, s.avg_belonging"
        " FROM analytics.participation_monthly p JOIN analytics.pulse_monthly s"
        " ON s.program_id = p.program_id AND s.month = p.month"
        " AND s.dimension = p.dimension AND s.group_value = p.group_value"
        " WHERE p.dimension = 'department' AND p.measure = 'enrolled'",
    )
    assert joined
    for r in joined:
        for column in ("enrolled", "answered"):
            assert r[column] is None or r[column] >= 5
        assert r["avg_belonging"] is None or r["answered"] is not None
