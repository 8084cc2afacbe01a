"""The demo restarts notifications only when it was not started with the demo's settings."""

from __future__ import annotations

import json
from pathlib import Path

from tandem_demo.clock import MovedClocks

WANTED = {"TANDEM_SMTP_PORT": "1025", "TANDEM_WEBHOOK_ALLOW_HTTP": "true"}


def _clocks(root: Path, recorded: dict[str, str] | None) -> MovedClocks:
    run = root / ".local" / "run"
    run.mkdir(parents=True)
    if recorded is not None:
        (run / "notifications.settings.json").write_text(json.dumps(recorded))
    clocks = MovedClocks(root, {}, "token")
    clocks.settings = dict(WANTED)
    return clocks


def test_started_with_the_demos_settings_needs_no_restart(tmp_path: Path) -> None:
    assert _clocks(tmp_path, {**WANTED, "TANDEM_PUBLIC_URL": "x"}).started_with_settings()


def test_another_smtp_port_or_no_record_means_a_restart(tmp_path: Path) -> None:
    assert not _clocks(
        tmp_path / "a", {**WANTED, "TANDEM_SMTP_PORT": "2525"}
    ).started_with_settings()
    assert not _clocks(tmp_path / "b", None).started_with_settings()


def test_no_settings_asked_for_means_a_restart(tmp_path: Path) -> None:
    clocks = _clocks(tmp_path, dict(WANTED))
    clocks.settings = None
    assert not clocks.started_with_settings()
