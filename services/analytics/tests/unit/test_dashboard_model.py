"""The dashboard's shaping of figures: nothing invented, suppressed cells stay hidden."""

from __future__ import annotations

from typing import Any

from tandem_analytics.api.dashboard_model import Dashboard


def figures(**overrides: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    empty: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("engagement", "participation", "departments", "health", "pulse", "survival")
    }
    return {**empty, **overrides}


def test_the_matrix_is_symmetric_and_keeps_hidden_cells() -> None:
    board = Dashboard(
        {"program_id": "p"},
        figures(
            departments=[
                {"department_a": "Eng", "department_b": "Sales", "pairs": 10, "people": 20},
                {"department_a": "Eng", "department_b": "Legal", "pairs": None, "people": None},
            ]
        ),
        [],
    )
    assert board.matrix.departments == ["Eng", "Legal", "Sales"]
    assert board.matrix.cell("Sales", "Eng") == 10
    assert board.matrix.cell("Legal", "Eng") is None
    assert board.matrix.shade("Eng", "Sales") == 100
    assert board.matrix.shade("Eng", "Legal") == 0


def test_the_overview_is_the_latest_month_and_the_shown_enrolments() -> None:
    board = Dashboard(
        {"program_id": "p"},
        figures(
            engagement=[
                {"month": m, "pairs_active": n, "check_ins_per_pair": 1.0, "cadence_kept": 0.5}
                for m, n in (("2026-01-01", 3), ("2026-02-01", 7))
            ],
            participation=[
                {"dimension": "all", "measure": "enrolled", "people": 12},
                {"dimension": "all", "measure": "enrolled", "people": None},
                {"dimension": "department", "measure": "enrolled", "people": 6},
            ],
        ),
        [],
    )
    assert board.overview["pairs_active"] == 7
    assert board.overview["enrolled_shown"] == 12
