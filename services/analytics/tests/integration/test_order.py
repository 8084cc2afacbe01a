"""Late, out-of-order, redelivered and dead-lettered events: the figures end the same."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
from typer.testing import CliRunner

from tandem_analytics.cli import app
from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.catalog.matching import PairCreated, PairEnded
from tandem_events.envelope import Envelope, record_headers

from .conftest import KEY, Analytics, shuffled

FACT_TABLES = (
    "programs", "program_admins", "enrolments", "withdrawals", "unmatched", "pairs",
    "check_ins", "cadences", "goals", "feedback", "pulses", "milestones", "health_changes",
)  # fmt: skip
VIEWS = (
    "participation_monthly", "unmatched_reasons", "engagement_monthly", "pair_health_monthly",
    "retention_cohorts", "pair_survival", "pair_end_reasons", "re_enrolment", "pulse_monthly",
    "department_matrix", "milestones_monthly", "programs",
)  # fmt: skip


def snapshot(service: Analytics) -> dict[str, list[tuple[object, ...]]]:
    """Every fact table and every view, rows sorted."""
    tables = [f"public.{t}" for t in FACT_TABLES] + [f"analytics.{v}" for v in VIEWS]
    return {t: sorted(service.rows(f"SELECT * FROM {t}"), key=repr) for t in tables}


def first_positions(items: list[Envelope]) -> dict[str, int]:
    seen: dict[str, int] = {}
    for i, e in enumerate(items):
        seen.setdefault(e.id, i)
    return seen


def test_shuffled_redelivered_and_broken_events_end_as_in_order(
    in_order: Analytics,
    history_envelopes: list[Envelope],
    start_analytics: Callable[..., Analytics],
) -> None:
    mixed = shuffled(history_envelopes)
    at = first_positions(mixed)
    created = {e.event().pair_id: at[e.id] for e in mixed if isinstance(e.event(), PairCreated)}  # type: ignore[attr-defined]
    ended = {e.event().pair_id: at[e.id] for e in mixed if isinstance(e.event(), PairEnded)}  # type: ignore[attr-defined]
    check_ins = [
        (e.event().pair_id, at[e.id]) for e in mixed if isinstance(e.event(), CheckInLogged)
    ]  # type: ignore[attr-defined]
    # The cases the issue names are really in this run, many times over.
    assert sum(1 for pair, i in check_ins if i < created[pair]) > 50
    assert sum(1 for pair, i in check_ins if pair in ended and ended[pair] < i) > 20
    assert len(mixed) - len(at) > 500  # redeliveries: the same event id again
    broken = (
        "engagement.events",
        b"pair-1",
        b'{"pair_id": "pair-1", "duration_minutes": "long"}',
        record_headers(
            "broken-1", CheckInLogged.type_name(), "/tandem/test", mixed[0].time, "pair-1", {}
        ),
    )
    late = start_analytics(mixed, [broken])
    assert snapshot(late) == snapshot(in_order)


def test_rebuild_gives_exactly_the_rows_of_the_incremental_run(
    in_order: Analytics, kafka_bootstrap: str
) -> None:
    before = snapshot(in_order)
    with psycopg.connect(in_order.dsn, autocommit=True) as conn:
        conn.execute("UPDATE check_ins SET minutes = 0")  # damage: only a replay restores it
        conn.execute("DELETE FROM pairs WHERE pair_id LIKE 'pair-1%'")
    env = {
        "TANDEM_ENV": "test",
        "TANDEM_DATABASE_URL": in_order.dsn,
        "TANDEM_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "TANDEM_TOPIC_PREFIX": in_order.prefix,
        "TANDEM_PSEUDONYM_KEY": KEY,
    }
    result = CliRunner().invoke(app, ["rebuild-all"], env=env)
    assert result.exit_code == 0, result.output
    assert "participation: rebuilt from" in result.output
    assert "engagement: rebuilt from" in result.output
    assert snapshot(in_order) == before
    leftovers = in_order.rows(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE '%\\_\\_rebuild'"
        " OR tablename LIKE '%\\_\\_retired'"
    )
    assert leftovers == []
