"""The views show the figures of a generated history, computed independently from its events."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import MilestoneReached

from . import expected
from .conftest import Analytics


@pytest.fixture(scope="module")
def facts(history: list[DomainEvent]) -> expected.Facts:
    return expected.Facts(history)


def close(actual: Decimal | None, wanted: float | None, places: int) -> bool:
    if actual is None or wanted is None:
        return actual is None and wanted is None
    return abs(float(actual) - wanted) <= 10**-places


def test_participation_per_month_and_group(in_order: Analytics, facts: expected.Facts) -> None:
    rows = in_order.rows(
        "SELECT program_id, month, dimension, group_value, measure, people"
        " FROM analytics.participation_monthly"
    )
    assert {r[:5]: r[5] for r in rows} == expected.participation_monthly(facts)
    # The tiny department exists, and its monthly groups are all suppressed.
    legal = [r for r in rows if r[3] == "Legal"]
    assert legal
    assert all(r[5] is None for r in legal)


def test_engagement_per_month(in_order: Analytics, facts: expected.Facts) -> None:
    rows = in_order.rows(
        "SELECT program_id, month, pairs_active, people, check_ins, cadence_kept, goals_set,"
        " goals_completed, feedback_given, avg_helpfulness FROM analytics.engagement_monthly"
    )
    wanted = expected.engagement_monthly(facts)
    assert {r[:2] for r in rows} == set(wanted)
    for program_id, month, *figures in rows:
        w = wanted[(program_id, month)]
        names = ["pairs_active", "people", "check_ins"]
        assert dict(zip(names, figures[:3], strict=True)) == {n: w[n] for n in names}
        assert close(figures[3], w["cadence_kept"], 3), (month, figures[3], w["cadence_kept"])
        assert (figures[4], figures[5], figures[6]) == (
            w["goals_set"],
            w["goals_completed"],
            w["feedback_given"],
        )
        assert close(figures[7], w["avg_helpfulness"], 2)


def test_kaplan_meier_survival_of_pairs(in_order: Analytics, facts: expected.Facts) -> None:
    rows = in_order.rows(
        "SELECT program_id, days, pairs_at_risk, survival FROM analytics.pair_survival"
    )
    wanted = expected.survival(facts)
    assert {r[:2] for r in rows} == set(wanted)
    for program_id, days, at_risk, survival in rows:
        assert at_risk == wanted[(program_id, days)][0]
        assert close(survival, wanted[(program_id, days)][1], 4)
    # Censoring matters: running pairs keep the curve above the naive share still running.
    assert min(r[3] for r in rows) > 0


def test_retention_cohorts(in_order: Analytics, facts: expected.Facts) -> None:
    rows = in_order.rows(
        "SELECT program_id, cohort_month, pairs, people, active_30, active_60, active_90,"
        " active_180 FROM analytics.retention_cohorts"
    )
    wanted = expected.retention(facts)
    assert {r[:2] for r in rows} == set(wanted)
    for r in rows:
        w: dict[str, Any] = wanted[r[:2]]
        assert (r[2], r[3]) == (w["pairs"], w["people"])
        for value, days in zip(r[4:], (30, 60, 90, 180), strict=True):
            assert close(value, w[f"active_{days}"], 3), (r, days)


def test_department_matrix(in_order: Analytics, facts: expected.Facts) -> None:
    rows = in_order.rows(
        "SELECT program_id, department_a, department_b, people FROM analytics.department_matrix"
    )
    assert {r[:3]: r[3] for r in rows} == expected.department_matrix(facts)


def test_pair_health_at_month_end(in_order: Analytics, facts: expected.Facts) -> None:
    rows = in_order.rows(
        "SELECT program_id, month, health, people FROM analytics.pair_health_monthly"
    )
    assert {r[:3]: r[3] for r in rows} == expected.health_monthly(facts)


def test_pulse_trends(in_order: Analytics, facts: expected.Facts) -> None:
    rows = in_order.rows(
        "SELECT program_id, month, dimension, group_value, people, answers, avg_stress,"
        " avg_belonging, avg_confidence FROM analytics.pulse_monthly"
    )
    wanted = expected.pulse_monthly(facts)
    assert {r[:4] for r in rows} == set(wanted)
    assert any(w is None for w in wanted.values()), "some groups are suppressed"
    for r in rows:
        w = wanted[r[:4]]
        if w is None:
            assert r[4:] == (None,) * 5
        else:
            assert (r[4], r[5]) == w[:2], r
            for actual, average in zip(r[6:], w[2:], strict=True):
                assert close(actual, average, 2), (r, w)


def test_why_pairs_ended(in_order: Analytics, facts: expected.Facts) -> None:
    rows = in_order.rows("SELECT program_id, reason, pairs, people FROM analytics.pair_end_reasons")
    wanted = expected.end_reasons(facts)
    assert {r[:2]: (None if r[2] is None else r[2:]) for r in rows} == wanted
    assert all(r[2:] == (None, None) for r in rows if wanted[r[:2]] is None)


def test_milestones_per_month(in_order: Analytics, facts: expected.Facts) -> None:
    rows = in_order.rows(
        "SELECT program_id, month, milestone, pairs, people FROM analytics.milestones_monthly"
    )
    wanted = expected.milestones_monthly(facts)
    assert {r[:3]: (None if r[3] is None else r[3:]) for r in rows} == wanted
    assert any(w is None for w in wanted.values())
    assert any(wanted.values())


def test_re_enrolment(in_order: Analytics, facts: expected.Facts) -> None:
    rows = in_order.rows("SELECT program_id, people, returning_people FROM analytics.re_enrolment")
    assert {r[0]: r[1:] for r in rows} == expected.re_enrolment(facts)


def test_unmatched_reasons(in_order: Analytics, facts: expected.Facts) -> None:
    rows = in_order.rows(
        "SELECT program_id, month, reason, people FROM analytics.unmatched_reasons"
    )
    wanted = expected.unmatched_reasons(facts)
    assert wanted, "the history leaves people unmatched"
    assert {r[:3]: r[3] for r in rows} == wanted


def test_milestones_keep_each_count(in_order: Analytics, facts: expected.Facts) -> None:
    rows = in_order.rows("SELECT pair_id, milestone, count FROM public.milestones")
    wanted = {(m.pair_id, m.milestone, m.count or 0) for m in facts.of(MilestoneReached)}
    assert any(kind == "streak" for _, kind, _ in wanted)
    assert set(rows) == wanted
