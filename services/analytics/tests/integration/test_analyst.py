"""The tandem_analyst role on the real server: the views, and nothing else."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors

from .conftest import Analytics, analyst_dsn, grant_analyst_on_clone
from .test_order import FACT_TABLES, VIEWS


@pytest.fixture(scope="module")
def analyst(in_order: Analytics, postgres_dsn: str) -> Iterator[psycopg.Connection]:
    grant_analyst_on_clone(in_order.dsn)
    database = in_order.dsn.rsplit("/", 1)[1]
    with psycopg.connect(analyst_dsn(postgres_dsn, database), autocommit=True) as conn:
        yield conn


def refused(conn: psycopg.Connection, sql: str) -> bool:
    try:
        conn.execute(sql)  # type: ignore[call-overload]  # test SQL
    except errors.InsufficientPrivilege:
        return True
    return False


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_reads(analyst: psycopg.Connection, view: str) -> None:
    rows = analyst.execute(f"SELECT * FROM analytics.{view}").fetchall()  # type: ignore[call-overload]
    assert rows


@pytest.mark.parametrize(
    "table",
    [f"public.{t}" for t in FACT_TABLES]
    + ["public.projection_applied", "public.projection_offsets", "public.events"]
    + ["analytics_private.memberships", "analytics_private.started_pairs"],
)
def test_raw_tables_are_refused(analyst: psycopg.Connection, table: str) -> None:
    assert refused(analyst, f"SELECT * FROM {table} LIMIT 1")


def test_no_writes_even_with_read_only_switched_off(analyst: psycopg.Connection) -> None:
    analyst.execute("SET default_transaction_read_only = off")
    assert refused(analyst, "INSERT INTO analytics.programs (program_id, name) VALUES ('x', 'y')")
    assert refused(analyst, "DELETE FROM analytics.programs")
    assert refused(analyst, "UPDATE public.pairs SET end_reason = 'x'")
    analyst.execute("RESET default_transaction_read_only")


@pytest.mark.parametrize("role", ["tandem_analytics", "tandem", "postgres"])
def test_no_other_role(analyst: psycopg.Connection, role: str) -> None:
    with pytest.raises((errors.InsufficientPrivilege, errors.InvalidParameterValue)):
        analyst.execute(f"SET ROLE {role}")  # type: ignore[call-overload]  # test SQL


def test_no_objects_of_its_own(analyst: psycopg.Connection) -> None:
    # A function of its own in WHERE could print the rows a view aggregates.
    analyst.execute("SET default_transaction_read_only = off")
    assert refused(
        analyst,
        "CREATE FUNCTION pg_temp.leak(text) RETURNS bool LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE NOTICE '%', $1; RETURN true; END $$",
    )
    assert refused(analyst, "CREATE TEMP TABLE t (x int)")
    assert refused(analyst, "CREATE TABLE public.t (x int)")
    assert refused(analyst, "CREATE VIEW analytics.v AS SELECT 1")
    analyst.execute("RESET default_transaction_read_only")


def test_functions_run_with_its_own_rights(analyst: psycopg.Connection) -> None:
    assert refused(analyst, "SELECT query_to_xml('SELECT * FROM public.pairs', true, true, '')")


def test_planner_statistics_do_not_show_values(
    in_order: Analytics, analyst: psycopg.Connection
) -> None:
    with psycopg.connect(in_order.dsn, autocommit=True) as conn:
        conn.execute("ANALYZE enrolments")
    seen = analyst.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'enrolments'")
    assert seen.fetchone() == (0,)


def test_other_databases_are_refused(in_order: Analytics, postgres_dsn: str) -> None:
    for database in ("tandem_matching", "tandem_engagement", "tandem_notifications"):
        with pytest.raises(psycopg.OperationalError, match="permission denied"):
            psycopg.connect(analyst_dsn(postgres_dsn, database)).close()


def test_runaway_queries_stop(analyst: psycopg.Connection) -> None:
    assert analyst.execute("SHOW statement_timeout").fetchone() == ("5s",)
    with pytest.raises(errors.QueryCanceled):
        analyst.execute("SELECT pg_sleep(6)")


def test_grants_given_before_are_taken_back(
    in_order: Analytics, analyst: psycopg.Connection
) -> None:
    # What the local stack used to do: SELECT on every table, now and by default.
    with psycopg.connect(in_order.dsn, autocommit=True) as conn:
        conn.execute("GRANT USAGE ON SCHEMA public TO tandem_analyst")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO tandem_analyst")
        conn.execute(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO tandem_analyst"
        )
    assert not refused(analyst, "SELECT * FROM public.pairs LIMIT 1")
    grant_analyst_on_clone(in_order.dsn)
    with psycopg.connect(in_order.dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.later (x int)")  # e.g. a rebuild's shadow table
    assert refused(analyst, "SELECT * FROM public.pairs LIMIT 1")
    assert refused(analyst, "SELECT * FROM public.later")
