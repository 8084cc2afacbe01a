"""Every analyst view is documented in docs/analytics.md, column by column, and its example runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from .conftest import Analytics, analyst_dsn, grant_analyst_on_clone

DOC = Path(__file__).resolve().parents[4] / "docs" / "analytics.md"


def sections() -> dict[str, str]:
    text = DOC.read_text()
    parts = re.split(r"^### analytics\.(\w+)\n", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1].split("\n## ")[0] for i in range(1, len(parts), 2)}


@pytest.fixture(scope="module")
def analyst(in_order: Analytics, postgres_dsn: str) -> Iterator[psycopg.Connection]:
    grant_analyst_on_clone(in_order.dsn)
    database = in_order.dsn.rsplit("/", 1)[1]
    with psycopg.connect(analyst_dsn(postgres_dsn, database), autocommit=True) as conn:
        yield conn


def test_every_view_is_documented_with_its_columns_grain_and_a_working_example(
    analyst: psycopg.Connection,
) -> None:
    columns: dict[str, list[str]] = {}
    for view, column in analyst.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'analytics' ORDER BY table_name, ordinal_position"
    ):
        columns.setdefault(view, []).append(column)
    documented = sections()
    assert set(documented) == set(columns)
    for view, section in documented.items():
        table = re.findall(r"^\| (\w+) \| \w+ \| .+ \|$", section, flags=re.MULTILINE)
        assert [c for c in table if c != "column"] == columns[view], view
        assert "Grain:" in section, view
        example = re.search(r"```sql\n(.+?)```", section, flags=re.DOTALL)
        assert example is not None, view
        assert f"analytics.{view}" in example.group(1)
        assert analyst.execute(example.group(1)).fetchall(), view  # type: ignore[call-overload]
