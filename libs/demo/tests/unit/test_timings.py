"""Where the demo's time went: make's steps first, then the driver's phases, kept as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tandem_demo.timings import Phases


def test_make_stamps_become_phases_before_the_drivers_own(tmp_path: Path) -> None:
    stamps = tmp_path / "demo-stamps"
    stamps.write_text("begin 100.0\nsetup: uv sync + jars 102.5\nstack up 110.0\n")
    phases = Phases(began=112.0)
    with phases.phase("enrol"):
        pass
    phases.after_make(stamps)
    names = [p.name for p in phases.done]
    assert names == [
        "setup: uv sync + jars",
        "stack up",
        "driver start-up (uv run, imports)",
        "enrol",
    ]
    assert [p.seconds for p in phases.done[:3]] == [2.5, 7.5, 2.0]
    assert phases.began == 100.0  # the total counts from make's first stamp


def test_without_make_only_the_drivers_phases_are_kept(tmp_path: Path) -> None:
    phases = Phases()
    with phases.phase("preview"):
        pass
    phases.after_make(None)
    phases.after_make(tmp_path / "missing")
    kept = json.loads(phases.write(tmp_path / "t.json", people=16).read_text())
    assert kept["people"] == 16
    assert [p["name"] for p in kept["phases"]] == ["preview"]
    assert kept["phases"][0]["stack_cpu_seconds"] is None  # no stack of ours to read


def test_a_phase_that_fails_is_still_timed() -> None:
    phases = Phases()
    try:
        with phases.phase("week 1"):
            raise RuntimeError("refused")
    except RuntimeError:
        pass
    assert [p.name for p in phases.done] == ["week 1"]
