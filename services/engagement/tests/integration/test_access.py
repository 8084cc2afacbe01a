"""Every endpoint, tried by every role and by a participant of another pair: denied."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tandem_testkit.eventually import fresh_key
from tandem_testkit.service import RunningService

CHECK_IN = {"met_on": "2026-01-01", "duration_minutes": 30, "felt": 4}
PAIR_COMMANDS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/pairs/p1/cadence/proposals", {"every_days": 14, "meeting_minutes": 30}),
    ("POST", "/pairs/p1/cadence/proposals/x/agree", None),
    ("POST", "/pairs/p1/goals", {"title": "a goal"}),
    ("POST", "/pairs/p1/goals/g/progress", {"progress_percent": 10}),
    ("POST", "/pairs/p1/goals/g/complete", None),
    ("POST", "/pairs/p1/goals/g/drop", None),
    ("POST", "/pairs/p1/check-ins", CHECK_IN),
    ("POST", "/pairs/p1/check-ins/c/feedback", {"helpfulness": 4, "kind": "appreciation"}),
    ("POST", "/pairs/p1/pulse", {"stress": 2, "belonging": 4, "confidence": 4}),
]
PAIR_READS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/pairs/p1/workspace", None),
]
OWN_READS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/me/pulses", None),
    ("GET", "/me/timeline", None),
    ("GET", "/me/resources", None),
]
PROGRAM: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/programs/prog/pairs", None),
    ("GET", "/programs/prog/health", None),
    ("PUT", "/programs/prog/resources/x", {"kind": "guide", "title": "t", "body": "b"}),
]
EVERYTHING = PAIR_COMMANDS + PAIR_READS + OWN_READS + PROGRAM


def call(client: httpx.Client, method: str, path: str, body: dict[str, Any] | None) -> int:
    return client.request(method, path, json=body, headers=fresh_key()).status_code


@pytest.mark.parametrize(("method", "path", "body"), EVERYTHING)
def test_no_token_is_a_401(
    stack: RunningService, method: str, path: str, body: dict[str, Any] | None
) -> None:
    assert call(stack.anonymous(), method, path, body) == 401


@pytest.mark.parametrize("who", ["analyst", "service"])
@pytest.mark.parametrize(("method", "path", "body"), EVERYTHING)
def test_analysts_and_other_systems_get_nothing(
    stack: RunningService, who: str, method: str, path: str, body: dict[str, Any] | None
) -> None:
    client = stack.analyst() if who == "analyst" else stack.service()
    assert call(client, method, path, body) == 403


@pytest.mark.parametrize(("method", "path", "body"), PAIR_COMMANDS + PAIR_READS)
def test_a_participant_of_another_pair_gets_nothing(
    stack: RunningService, method: str, path: str, body: dict[str, Any] | None
) -> None:
    assert call(stack.participant("cy"), method, path, body) == 403


@pytest.mark.parametrize(("method", "path", "body"), PROGRAM)
def test_participants_do_not_run_programs(
    stack: RunningService, method: str, path: str, body: dict[str, Any] | None
) -> None:
    assert call(stack.participant("ana"), method, path, body) == 403


@pytest.mark.parametrize(
    ("method", "path", "body"), PAIR_COMMANDS + PAIR_READS + OWN_READS + PROGRAM
)
def test_an_admin_who_does_not_own_the_program_gets_nothing(
    stack: RunningService, method: str, path: str, body: dict[str, Any] | None
) -> None:
    assert call(stack.admin("admin-2"), method, path, body) == 403


@pytest.mark.parametrize(("method", "path", "body"), PAIR_COMMANDS + OWN_READS)
def test_the_owning_admin_acts_in_no_workspace(
    stack: RunningService, method: str, path: str, body: dict[str, Any] | None
) -> None:
    assert call(stack.admin(), method, path, body) == 403
