"""Handlers on the in-memory store and tables: load, decide, append with follow-ups."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tandem_engagement.adapters.memory import InMemoryEngagementTables
from tandem_engagement.domain.checkins import CheckInDraft
from tandem_engagement.domain.errors import Forbidden, InvalidInput, PairNotYetKnown
from tandem_engagement.domain.lifecycle import open_workspace
from tandem_engagement.domain.workspace import Workspace
from tandem_engagement.handlers import check_ins, goals
from tandem_engagement.handlers.context import Context
from tandem_events.catalog.matching import PairCreated
from tandem_service.commands import CommandContext
from tandem_testkit.memory import InMemoryStreams

NOW = datetime(2026, 1, 10, 9, tzinfo=UTC)


def context() -> tuple[Context, InMemoryStreams, InMemoryEngagementTables]:
    streams = InMemoryStreams()
    tables = InMemoryEngagementTables(streams=streams)
    created = PairCreated(
        occurred_at=datetime(2026, 1, 5, tzinfo=UTC),
        actor_id="admin",
        pair_id="p1",
        program_id="prog",
        member_ids=("ana", "ben"),
        score=1.0,
    )
    streams.streams["workspace-p1"] = open_workspace(Workspace(), created, "onboarding", {})
    return CommandContext.in_memory(streams, tables, clock=lambda: NOW), streams, tables


def draft(**changes: object) -> CheckInDraft:
    values: dict[str, object] = {
        "check_in_id": "c1",
        "met_on": date(2026, 1, 9),
        "duration_minutes": 30,
        "mode": "video",
        "asynchronous": False,
        "topics": (),
        "felt": 4,
        "sealed_notes": None,
        "notes_shared": False,
    }
    return CheckInDraft(**{**values, **changes})  # type: ignore[arg-type]  # test values


async def test_a_check_in_is_appended_sealed_with_its_follow_ups_and_next_review() -> None:
    ctx, streams, tables = context()
    logged = check_ins.LogCheckIn("ana", "p1", draft(), "  my words ")
    result = await check_ins.log_check_in(ctx, logged)
    kinds = [type(e).__name__ for e in streams.events("workspace-p1")]
    assert kinds == ["WorkspaceOpened", "CheckInLogged", "MilestoneReached", "PairHealthChanged"]
    assert result.version == 4
    check_in = streams.events("workspace-p1")[1]
    assert check_in.notes == await tables.seal("ana", "my words")
    assert "p1" in tables.reviews


async def test_refusals_append_nothing() -> None:
    ctx, streams, _ = context()
    with pytest.raises(InvalidInput):
        await check_ins.log_check_in(ctx, check_ins.LogCheckIn("ana", "p1", draft(felt=6), None))
    with pytest.raises(Forbidden):
        await goals.set_goal(ctx, goals.SetGoal("eve", "p1", "g1", "t", None, (), False, None))
    with pytest.raises(InvalidInput):
        await goals.set_goal(ctx, goals.SetGoal("ana", "p1", "g1", " ", None, (), False, None))
    with pytest.raises(PairNotYetKnown):
        await check_ins.log_check_in(ctx, check_ins.LogCheckIn("ana", "p9", draft(), None))
    assert len(streams.events("workspace-p1")) == 1
