"""Matching's handlers on the in-memory store and tables: no server."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tandem_events.catalog.matching import MatchingPolicy
from tandem_events.errors import ConcurrencyError
from tandem_matching.adapters.memory import InMemoryMatchingTables
from tandem_matching.domain.errors import Conflict, Invalid, NotFound
from tandem_matching.handlers.context import Context
from tandem_matching.handlers.directory import ImportPeople, import_people
from tandem_matching.handlers.enrolment import Answers, EnrolParticipant, Withdraw, enrol, withdraw
from tandem_matching.handlers.manual import PairByHand, create_pair_by_hand
from tandem_matching.handlers.programs import (
    CloseProgram,
    LaunchProgram,
    UpdateProgram,
    close_program,
    launch_program,
    update_program,
)
from tandem_matching.handlers.rematch import RequestRematch, request_rematch
from tandem_matching.handlers.rounds import (
    KEPT_PREVIEWS,
    CommitRound,
    PlanRound,
    commit_round,
    preview_round,
)
from tandem_matching.handlers.tables import DirectoryEntry
from tandem_service.commands import CommandContext
from tandem_testkit.memory import InMemoryStreams

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def tables() -> InMemoryMatchingTables:
    return InMemoryMatchingTables()


@pytest.fixture
def streams() -> InMemoryStreams:
    return InMemoryStreams()


@pytest.fixture
def ctx(streams: InMemoryStreams, tables: InMemoryMatchingTables) -> Context:
    return CommandContext.in_memory(streams, tables, clock=lambda: NOW)


def launch(program_id: str = "p1", **fields: object) -> LaunchProgram:
    values: dict[str, object] = {
        "actor": "admin-1",
        "program_id": program_id,
        "name": "Grow",
        "purpose": "career_development",
        "description": "",
        "starts_on": date(2026, 3, 9),
        "ends_on": None,
        "suggested_cadence_days": 14,
        "policy": MatchingPolicy(),
        "goal_vocabulary": ("Leadership", "sql"),
    }
    return LaunchProgram(**{**values, **fields})  # type: ignore[arg-type]  # test data


def person(person_id: str, department: str = "Eng") -> DirectoryEntry:
    return DirectoryEntry(
        person_id,
        person_id.title(),
        f"{person_id}@x.org",
        3,
        department,
        timezone="Europe/Lisbon",
        languages=("en",),
    )


async def _people_enrolled(ctx: Context, *ids: str) -> None:
    departments = ["Eng", "Sales", "Ops", "Legal"]
    entries = [person(p, departments[i % 4]) for i, p in enumerate(ids)]
    await import_people(ctx, ImportPeople("admin-1", entries))
    for person_id in ids:
        await enrol(ctx, EnrolParticipant("p1", person_id, Answers(goals=("sql",))))


async def test_a_launch_records_the_event_with_the_clock_and_a_tidy_vocabulary(
    ctx: Context, streams: InMemoryStreams
) -> None:
    result = await launch_program(ctx, launch())
    assert (result.stream_id, result.version) == ("program-p1", 1)
    [launched] = streams.events("program-p1")
    assert launched.occurred_at == NOW
    assert launched.goal_vocabulary == ("leadership", "sql")
    with pytest.raises(Conflict):
        await launch_program(ctx, launch())


async def test_a_stale_expected_version_is_a_concurrency_error(ctx: Context) -> None:
    await launch_program(ctx, launch())
    await update_program(ctx, UpdateProgram("admin-1", "p1", description="v2"))
    with pytest.raises(ConcurrencyError):
        await update_program(ctx, UpdateProgram("admin-1", "p1", expected_version=1))


async def test_enrolment_needs_a_known_person_and_goals_from_the_vocabulary(ctx: Context) -> None:
    await launch_program(ctx, launch())
    with pytest.raises(NotFound):
        await enrol(ctx, EnrolParticipant("p1", "ghost", Answers()))
    await import_people(ctx, ImportPeople("admin-1", [person("ana")]))
    with pytest.raises(Invalid) as refused:
        await enrol(ctx, EnrolParticipant("p1", "ana", Answers(goals=("sql", "juggling"))))
    assert refused.value.location == ("body", "goals", 1)


async def test_enrolment_fills_defaults_from_the_directory(
    ctx: Context, streams: InMemoryStreams, tables: InMemoryMatchingTables
) -> None:
    await launch_program(ctx, launch())
    await _people_enrolled(ctx, "ana")
    [enrolled] = streams.events("person-ana")
    assert enrolled.profile.timezone == "Europe/Lisbon"
    assert tables.enrolments[("p1", "ana")].status == "enrolled"


async def test_a_round_pairs_everyone_and_withdrawal_ends_the_pair(
    ctx: Context, streams: InMemoryStreams, tables: InMemoryMatchingTables
) -> None:
    await launch_program(ctx, launch())
    await _people_enrolled(ctx, "ana", "ben", "cy", "dee")
    committed = await commit_round(ctx, CommitRound("admin-1", "p1"))
    assert len(committed.pair_ids) == 2
    assert sorted(await tables.active_pairs("p1")) == sorted(committed.pair_ids)
    await withdraw(ctx, Withdraw("p1", "ana", "busy", "ana"))
    assert len(await tables.active_pairs("p1")) == 1
    ended = [p for p in committed.pair_ids if len(streams.events(f"pair-{p}")) == 2]
    assert len(ended) == 1


async def test_previews_are_bounded_and_stale_ones_go_with_the_next(
    ctx: Context, tables: InMemoryMatchingTables
) -> None:
    await launch_program(ctx, launch())
    await _people_enrolled(ctx, "ana", "ben", "cy", "dee")
    tokens = [(await preview_round(ctx, PlanRound("p1"))).token for _ in range(KEPT_PREVIEWS + 3)]
    assert list(tables.previews) == tokens[-KEPT_PREVIEWS:]  # the newest stay committable
    await commit_round(ctx, CommitRound("admin-1", "p1", preview_token=tokens[-1]))
    await withdraw(ctx, Withdraw("p1", "ana", "busy", "ana"))
    newest = (await preview_round(ctx, PlanRound("p1"))).token
    assert list(tables.previews) == [newest]  # the program moved on: the others were stale


async def test_a_rematch_ends_the_pair_and_marks_both_members(
    ctx: Context, tables: InMemoryMatchingTables
) -> None:
    await launch_program(ctx, launch())
    await _people_enrolled(ctx, "ana", "ben")
    made = await create_pair_by_hand(ctx, PairByHand("admin-1", "p1", ("ana", "ben")))
    with pytest.raises(Conflict):
        await create_pair_by_hand(ctx, PairByHand("admin-1", "p1", ("ana", "ben")))
    await request_rematch(ctx, RequestRematch("ben", made.pair_id, "schedule"))
    assert await tables.active_pairs("p1") == []
    assert all(e.rematch_requested for e in tables.enrolments.values())


async def test_closing_a_program_ends_its_pairs_and_departures_withdraw(
    ctx: Context, tables: InMemoryMatchingTables
) -> None:
    await launch_program(ctx, launch())
    await _people_enrolled(ctx, "ana", "ben", "cy")
    gone = DirectoryEntry(**{**person("cy").__dict__, "departed_on": date(2026, 3, 1)})
    result = await import_people(ctx, ImportPeople("admin-1", [gone]))
    assert result.withdrawn == ["p1:cy"]
    await create_pair_by_hand(ctx, PairByHand("admin-1", "p1", ("ana", "ben")))
    await close_program(ctx, CloseProgram("admin-1", "p1", "season over"))
    assert await tables.active_pairs("p1") == []
