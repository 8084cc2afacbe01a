"""One contract for the engagement tables: PostgreSQL and the in-memory fake behave alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest

from tandem_engagement.adapters.memory import InMemoryEngagementTables
from tandem_engagement.adapters.postgres import PostgresEngagementTables
from tandem_engagement.domain.folding import fold_all
from tandem_engagement.domain.workspace import Workspace
from tandem_engagement.handlers.tables import EngagementTables, Missing, OpeningFacts
from tandem_events.catalog.engagement import WorkspaceClosed, WorkspaceOpened
from tandem_events.errors import ConcurrencyError
from tandem_events.sealing import owner_of

AT = datetime(2026, 1, 5, tzinfo=UTC)


@pytest.fixture(params=["postgres", "memory"])
async def tables(
    request: pytest.FixtureRequest, pool: asyncpg.Pool
) -> AsyncIterator[EngagementTables]:
    if request.param == "memory":
        yield InMemoryEngagementTables()
        return
    async with pool.acquire() as conn, conn.transaction():
        yield PostgresEngagementTables(conn)


async def test_opening_facts_say_what_is_missing_until_all_is_known(
    tables: EngagementTables,
) -> None:
    assert await tables.opening_facts("prog", ("ana", "ben")) == Missing(
        "ProgramLaunched prog", "prog"
    )
    await tables.remember_program("prog", "onboarding", "admin-1")
    assert await tables.opening_facts("prog", ("ana", "ben")) == Missing(
        "ParticipantEnrolled prog/ana", "ana"
    )
    await tables.remember_person("prog", "ana", "Europe/Paris")
    await tables.remember_person("prog", "ben", "UTC")
    await tables.remember_person("prog", "ben", "Asia/Tokyo")  # a profile update
    assert await tables.opening_facts("prog", ("ana", "ben")) == OpeningFacts(
        "onboarding", {"ana": "Europe/Paris", "ben": "Asia/Tokyo"}
    )
    assert await tables.programs_owned_by("admin-1") == ["prog"]
    assert await tables.programs_owned_by("admin-2") == []


async def test_withdrawals_are_kept_until_the_person_enrols_again(tables: EngagementTables) -> None:
    await tables.record_withdrawal("prog", "ana", AT)
    assert await tables.withdrawn("prog", ("ana", "ben"))
    assert not await tables.withdrawn("other", ("ana",))
    await tables.remember_person("prog", "ana", "UTC")
    assert not await tables.withdrawn("prog", ("ana", "ben"))


async def test_the_index_lists_open_workspaces_by_member(tables: EngagementTables) -> None:
    await tables.index_workspace("p1", "prog", ("ana", "ben"))
    await tables.index_workspace("p2", "prog", ("ana", "cy"))
    await tables.index_workspace("p1", "prog", ("ana", "ben"))  # twice: once
    await tables.close_workspace("p2")
    assert await tables.open_pairs_of("prog", "ana") == ["p1"]
    assert await tables.open_pairs_of("other", "ana") == []


async def test_sealed_text_names_its_author(tables: EngagementTables) -> None:
    sealed = await tables.seal("ana", "my words")
    assert sealed.startswith("sealed:v1:")
    assert "my words" not in sealed
    assert owner_of(sealed) == "ana"


async def test_resources_and_reviews_are_accepted(tables: EngagementTables) -> None:
    await tables.put_resource("prog", "first-meeting", "guide", "Hello", "Coffee", "admin-1")
    await tables.put_resource("prog", "first-meeting", "guide", "Hello again", "Tea", "admin-1")
    await tables.keep_workspace(Workspace(pair_id="p1"), 1, AT)
    await tables.keep_workspace(Workspace(pair_id="p1"), 2, None)


def opened_and_closed() -> tuple[WorkspaceOpened, WorkspaceClosed]:
    opened = WorkspaceOpened(
        occurred_at=AT,
        actor_id="engagement",
        pair_id="p1",
        program_id="prog",
        member_ids=("ana", "ben"),
        purpose="onboarding",
        opened_on=AT.date(),
    )
    closed = WorkspaceClosed(
        occurred_at=AT, actor_id="engagement", pair_id="p1", reason="pair_ended"
    )
    return opened, closed


async def test_an_append_at_a_stale_version_is_refused(tables: EngagementTables) -> None:
    opened, closed = opened_and_closed()
    first = await tables.append_workspace("p1", 0, [opened])
    assert (first.stream_id, first.version) == ("workspace-p1", 1)
    with pytest.raises(ConcurrencyError):
        await tables.append_workspace("p1", 0, [closed])
    assert (await tables.append_workspace("p1", 1, [closed])).version == 2
    state, version = await tables.load_workspace("p1")
    assert (state.pair_id, state.closed, version) == ("p1", True, 2)


async def test_append_keeping_writes_nothing_at_a_stale_version(tables: EngagementTables) -> None:
    opened, closed = opened_and_closed()
    after = fold_all(Workspace(), [opened])
    appended = await tables.append_keeping(after, 0, [opened], AT)
    assert (appended.stream_id, appended.version) == ("workspace-p1", 1)
    with pytest.raises(ConcurrencyError):  # a stale command's snapshot must not land either
        await tables.append_keeping(fold_all(after, [closed]), 0, [closed], None)
    state, version = await tables.load_workspace("p1")
    assert (state, version) == (after, 1)
