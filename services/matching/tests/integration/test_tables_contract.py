"""One contract for matching's tables: PostgreSQL and the in-memory fake answer alike."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from tandem_matching.adapters.memory import InMemoryMatchingTables
from tandem_matching.adapters.postgres import PostgresMatchingTables
from tandem_matching.bootstrap import SERVICE
from tandem_matching.domain.profile import Personality
from tandem_matching.domain.round_record import StoredPreview
from tandem_matching.handlers.tables import (
    DirectoryEntry,
    MatchingTables,
    PairEntry,
    PeerRequestRow,
    PrivateAnswers,
)
from tandem_service.database import connect
from tandem_testkit.databases import DatabaseFactory


@pytest.fixture(scope="module")
def dsn(database_factory: DatabaseFactory) -> Iterator[str]:
    created = database_factory.create(SERVICE.all_migrations, prefix="tables")
    yield created
    database_factory.drop(created)


@pytest.fixture(params=["postgres", "memory"])
async def tables(request: pytest.FixtureRequest, dsn: str) -> AsyncIterator[MatchingTables]:
    if request.param == "memory":
        yield InMemoryMatchingTables()
        return
    conn: asyncpg.Connection = await connect(dsn)
    transaction = conn.transaction()
    await transaction.start()
    try:
        yield PostgresMatchingTables(conn)
    finally:
        await transaction.rollback()  # every test starts from empty tables
        await conn.close()


def entry(person_id: str, **fields: object) -> DirectoryEntry:
    values: dict[str, object] = {
        "person_id": person_id,
        "name": f"{person_id.title()} Example",
        "email": f"{person_id}@example.com",
        "level": 3,
        "timezone": "Europe/Lisbon",
        "languages": ("en",),
    }
    return DirectoryEntry(**{**values, **fields})  # type: ignore[arg-type]  # test data


TRAITS = Personality(4, 4, 2, 3, 4)


async def test_an_upsert_reports_only_what_changed(tables: MatchingTables) -> None:
    first = await tables.upsert_people([entry("ana"), entry("ben")])
    assert sorted((u.person_id, u.created) for u in first) == [("ana", True), ("ben", True)]
    assert await tables.upsert_people([entry("ana"), entry("ben")]) == []
    gone = await tables.upsert_people([entry("ana", departed_on=date(2026, 3, 1))])
    assert [(u.person_id, u.created, u.departed_on) for u in gone] == [
        ("ana", False, date(2026, 3, 1))
    ]
    assert await tables.person("ben") == entry("ben")
    assert await tables.person("nobody") is None
    everyone = sorted(await tables.whole_directory(), key=lambda e: e.person_id)
    assert everyone == [entry("ana", departed_on=date(2026, 3, 1)), entry("ben")]


async def test_enrolments_are_saved_withdrawn_and_listed(tables: MatchingTables) -> None:
    await tables.upsert_people([entry("ana"), entry("ben"), entry("cy")])
    private = PrivateAnswers(TRAITS, 8.0, 16.0)
    for person in ("ana", "ben", "cy"):
        await tables.save_enrolment("p1", person, {"goals": ["sql"]}, private)
    await tables.withdraw_enrolment("p1", "cy")
    assert await tables.enrolments_of(["ana", "cy"]) == [("p1", "ana")]
    rows = await tables.enrolled("p1", None)
    assert [r["person_id"] for r in rows] == ["ana", "ben"]
    assert dict(rows[0]) == {
        "person_id": "ana",
        "profile": {"goals": ["sql"]},
        "personality": [4, 4, 2, 3, 4],
        "work_start": 8.0,
        "work_end": 16.0,
        "rematch_requested": False,
        "name": "Ana Example",
        "level": 3,
        "department": "",
        "team": "",
        "timezone": "Europe/Lisbon",
        "languages": ["en"],
        "busy": False,
    }
    assert [r["person_id"] for r in await tables.enrolled("p1", ["ben"])] == ["ben"]


async def test_rematch_marks_some_or_all(tables: MatchingTables) -> None:
    await tables.upsert_people([entry("ana"), entry("ben")])
    for person in ("ana", "ben"):
        await tables.save_enrolment("p1", person, {}, PrivateAnswers())
    await tables.mark_rematch("p1", ["ana"], wanted=True)
    wanted = {r["person_id"]: r["rematch_requested"] for r in await tables.enrolled("p1", None)}
    assert wanted == {"ana": True, "ben": False}
    await tables.mark_rematch("p1", None, wanted=False)
    assert not any(r["rematch_requested"] for r in await tables.enrolled("p1", None))


async def test_manager_chains_nearest_first_and_stop_at_a_cycle(tables: MatchingTables) -> None:
    await tables.upsert_people(
        [
            entry("ana", manager_id="ben"),
            entry("ben", manager_id="cy"),
            entry("cy", manager_id="ben"),
        ]
    )
    chains = await tables.manager_chains(["ana", "cy"])
    assert chains["ana"][:2] == ["ben", "cy"]
    assert chains["cy"][0] == "ben"


async def test_the_pair_index_knows_who_is_busy_and_who_met(tables: MatchingTables) -> None:
    await tables.upsert_people([entry(p) for p in ("ana", "ben", "cy", "dee", "eve", "fay")])
    for person in ("ana", "ben", "cy"):
        await tables.save_enrolment("p1", person, {}, PrivateAnswers())
    await tables.index_pairs("p1", [PairEntry("pair-1", ("ana", "ben"), {"skills": 0.5})])
    assert await tables.active_pairs("p1") == ["pair-1"]
    # A round indexes all its pairs and triads at once.
    await tables.index_pairs(
        "p2",
        [PairEntry("pair-2", ("dee", "eve", "fay"), {}), PairEntry("pair-3", ("ana", "cy"), {})],
    )
    assert sorted(await tables.active_pairs("p2")) == ["pair-2", "pair-3"]
    assert await tables.partners_in("p2", ["fay"]) == [["dee", "eve", "fay"]]
    assert await tables.active_pairs("p1", "cy") == []
    assert await tables.busy_pairs("p1", ["ben", "cy"]) == ["pair-1"]
    busy = {r["person_id"]: r["busy"] for r in await tables.enrolled("p1", None)}
    assert busy == {"ana": True, "ben": True, "cy": False}
    await tables.deactivate_pair("pair-1")
    assert await tables.active_pairs("p1") == []
    assert await tables.busy_pairs("p1", ["ana"]) == []
    assert await tables.partners_in("p1", ["ana"]) == [["ana", "ben"]]


async def test_peer_requests_are_saved_answered_and_listed(tables: MatchingTables) -> None:
    at = datetime(2026, 3, 9, tzinfo=UTC)
    first = PeerRequestRow("r1", "p1", "ana", "ben", "pending", at, "hi")
    await tables.save_peer_request(first)
    later = at + timedelta(hours=1)
    await tables.save_peer_request(PeerRequestRow("r2", "p1", "cy", "dee", "pending", later))
    await tables.save_peer_request(PeerRequestRow("r3", "p2", "ana", "cy", "pending", at))
    await tables.save_peer_request(replace(first, status="accepted", note="ignored"))
    assert await tables.peer_requests("p1", ["ben"]) == [replace(first, status="accepted")]
    assert [r.request_id for r in await tables.peer_requests("p1", ["ana", "dee"])] == [
        "r2",
        "r1",
    ]


async def test_a_preview_is_kept_under_its_token_for_its_program(tables: MatchingTables) -> None:
    kept = StoredPreview("t1", "p1", 4, "abc", {"pairs": [], "unmatched": {"ana": "x"}})
    await tables.save_preview(kept)
    assert await tables.preview("p1", "t1") == kept
    assert await tables.preview("p2", "t1") is None
    assert await tables.preview("p1", "t2") is None


async def test_forgetting_previews_drops_stale_ones_and_keeps_the_newest(
    tables: MatchingTables,
) -> None:
    for token, version in [("old", 3), ("a", 4), ("b", 4), ("c", 4)]:
        await tables.save_preview(StoredPreview(token, "p1", version, "h", {"pairs": []}))
    await tables.save_preview(StoredPreview("other", "p2", 1, "h", {"pairs": []}))
    await tables.forget_previews("p1", 4, keep=2)
    assert await tables.preview("p1", "old") is None
    assert await tables.preview("p1", "a") is None
    assert [await tables.preview("p1", t) is not None for t in ("b", "c")] == [True, True]
    await tables.forget_previews("p1", 5, keep=0)
    assert [await tables.preview("p1", t) for t in ("b", "c")] == [None, None]
    assert await tables.preview("p2", "other") is not None  # another program's stay
