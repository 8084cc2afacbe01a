"""What the dashboard shows, shaped from the figures the API serves (no new numbers here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem_analytics.projections.queries import Cell, Row

HEALTHS = ("thriving", "steady", "at_risk", "stalled", "unknown")


@dataclass
class Matrix:
    """The department x department heat map: cells of pairs (None where suppressed)."""

    departments: list[str]
    cells: dict[tuple[str, str], Cell]
    highest: int

    def cell(self, a: str, b: str) -> Cell:
        """The pairs linking ``a`` and ``b`` (the matrix is symmetric)."""
        return self.cells.get((min(a, b), max(a, b)))

    def shade(self, a: str, b: str) -> int:
        """0..100: how dark the cell is drawn (its text says the number)."""
        value = self.cell(a, b)
        return round(100 * value / self.highest) if isinstance(value, int) and self.highest else 0


@dataclass
class Dashboard:
    """One program's page."""

    program: Row
    figures: dict[str, list[Row]]
    freshness: list[dict[str, Any]]
    overview: dict[str, Cell] = field(init=False)
    matrix: Matrix = field(init=False)
    charts: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        engagement = self.figures["engagement"]
        latest = engagement[-1] if engagement else {}
        enrolled = [
            r["people"]
            for r in self.figures["participation"]
            if r["dimension"] == "all" and r["measure"] == "enrolled"
        ]
        self.overview = {
            "month": latest.get("month"),
            "pairs_active": latest.get("pairs_active"),
            "people": latest.get("people"),
            "check_ins_per_pair": latest.get("check_ins_per_pair"),
            "cadence_kept": latest.get("cadence_kept"),
            "enrolled_shown": sum(n for n in enrolled if isinstance(n, int)),
        }
        self.matrix = _matrix(self.figures["departments"])
        self.charts = _charts(self.figures)


def _matrix(rows: list[Row]) -> Matrix:
    departments = sorted(
        {str(r["department_a"]) for r in rows} | {str(r["department_b"]) for r in rows}
    )
    cells = {(str(r["department_a"]), str(r["department_b"])): r["pairs"] for r in rows}
    highest = max((v for v in cells.values() if isinstance(v, int)), default=0)
    return Matrix(departments, cells, highest)


def _charts(figures: dict[str, list[Row]]) -> dict[str, Any]:
    """Series for the charts; the page also prints each as a table."""
    engagement = figures["engagement"]
    health_months = sorted({str(r["month"]) for r in figures["health"]})
    health = {(str(r["month"]), r["health"]): r["pairs"] for r in figures["health"]}
    pulse = [r for r in figures["pulse"] if r["dimension"] == "all"]
    return {
        "engagement": {
            "labels": [r["month"] for r in engagement],
            "check_ins_per_pair": [r["check_ins_per_pair"] for r in engagement],
            "cadence_kept": [r["cadence_kept"] for r in engagement],
        },
        "survival": {
            "labels": [r["days"] for r in figures["survival"]],
            "survival": [r["survival"] for r in figures["survival"]],
        },
        "health": {
            "labels": health_months,
            "series": {h: [health.get((m, h)) for m in health_months] for h in HEALTHS},
        },
        "pulse": {
            "labels": [r["month"] for r in pulse],
            "avg_stress": [r["avg_stress"] for r in pulse],
            "avg_belonging": [r["avg_belonging"] for r in pulse],
            "avg_confidence": [r["avg_confidence"] for r in pulse],
        },
    }
