"""Workspaces open and close from matching's events in any order, each exactly once."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import asyncpg
import pytest

from tandem_engagement.adapters.workspace_rows import HEALTH_REVIEW, load_workspaces
from tandem_engagement.handlers.matching_feed import MatchingFeed
from tandem_events import timers
from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext, WaitFor
from tandem_events.store import EventStore

from .conftest import SOURCE, enrolled, launched, pair_created, pair_ended, withdrew


async def deliver(pool: asyncpg.Pool, feed: MatchingFeed, events: Sequence[DomainEvent]) -> None:
    """Deliver like the runner: one transaction each; an early event is retried only when an
    event with the key it waits for (``WaitFor.key``, else its own) has been applied."""
    parked: list[tuple[DomainEvent, str]] = []
    arrived = [*events]
    while arrived:
        event = arrived.pop(0)
        try:
            async with pool.acquire() as conn, conn.transaction():
                envelope = Envelope.wrap(event, "/tandem/matching", {})
                await feed.apply(ProjectionContext(conn), event, envelope)
        except WaitFor as wait:
            parked.append((event, wait.key if wait.key is not None else event.key))
            continue
        woken = [waiting for waiting, key in parked if key == event.key]
        parked = [(waiting, key) for waiting, key in parked if key != event.key]
        arrived[:0] = woken
    assert not parked, f"never applied: {parked}"


async def stream_types(store: EventStore, pair_id: str) -> list[str]:
    return [type(e.event()).__name__ for e in await store.read_stream(f"workspace-{pair_id}")]


async def test_a_pair_opens_its_workspace_with_purpose_and_timezones(
    pool: asyncpg.Pool, store: EventStore
) -> None:
    feed = MatchingFeed(SOURCE)
    await deliver(
        pool, feed, [launched(), enrolled("ana"), enrolled("ben", "Asia/Tokyo"), pair_created("p1")]
    )
    async with pool.acquire() as conn:
        state, version = (await load_workspaces(conn, ["p1"]))["p1"]
        review = await timers.due_at(conn, HEALTH_REVIEW, "p1")
    assert state.purpose == "onboarding"
    assert dict(state.timezones) == {"ana": "Europe/Paris", "ben": "Asia/Tokyo"}
    assert state.health == "steady"
    assert version == 2
    assert review is not None


async def test_a_pair_created_before_its_members_enrolled_opens_when_they_do(
    pool: asyncpg.Pool, store: EventStore
) -> None:
    # Enrolments are keyed by person, a pair by its id: on other partitions they overtake
    # each other, and nothing else keyed p1 may ever come to wake the parked PairCreated.
    await deliver(
        pool,
        MatchingFeed(SOURCE),
        [pair_created("p1"), launched(), enrolled("ana"), enrolled("ben")],
    )
    assert await stream_types(store, "p1") == ["WorkspaceOpened", "PairHealthChanged"]


ORDERS = list(itertools.permutations(range(5)))[::17]  # a spread of the 120 orders


@pytest.mark.parametrize("order", ORDERS)
async def test_any_order_and_duplicates_end_in_the_same_streams(
    pool: asyncpg.Pool, store: EventStore, order: tuple[int, ...]
) -> None:
    events = [launched(), enrolled("ana"), enrolled("ben"), pair_created("p1"), pair_ended("p1")]
    shuffled = [events[i] for i in order]
    await deliver(pool, MatchingFeed(SOURCE), [*shuffled, pair_created("p1"), pair_ended("p1")])
    assert await stream_types(store, "p1") == [
        "WorkspaceOpened",
        "PairHealthChanged",
        "WorkspaceClosed",
    ]
    async with pool.acquire() as conn:
        assert await timers.due_at(conn, HEALTH_REVIEW, "p1") is None


async def test_a_withdrawal_closes_the_pairs_even_when_it_arrives_first(
    pool: asyncpg.Pool, store: EventStore
) -> None:
    feed = MatchingFeed(SOURCE)
    await deliver(pool, feed, [launched(), enrolled("ana"), enrolled("ben"), enrolled("cy")])
    await deliver(
        pool, feed, [pair_created("p1"), withdrew("ana"), pair_created("p2", ("ana", "cy"))]
    )
    await deliver(pool, feed, [pair_created("p3", ("ben", "cy"))])
    for pair_id in ("p1", "p2"):
        assert (await stream_types(store, pair_id))[-1] == "WorkspaceClosed"
    assert (await stream_types(store, "p3"))[-1] != "WorkspaceClosed"
