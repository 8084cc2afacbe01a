"""The notification tables' contract, held by the Postgres adapter and the in-memory fake alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from tandem_notifications.adapters.memory.tables import MemoryNotificationTables
from tandem_notifications.adapters.ports import DeliveryBook, NotificationTables
from tandem_notifications.adapters.postgres import PostgresNotificationTables
from tandem_notifications.adapters.records import InboxEntry, ProgramChannels, Settled
from tandem_notifications.domain.delivery import Status
from tandem_notifications.domain.errors import TemporaryFailure
from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.domain.planned import Planned
from tandem_notifications.domain.preferences import PersonChoices, Preferences, Rhythm
from tandem_notifications.domain.retry import RetryPolicy
from tandem_service.database import connect

NOW = datetime(2026, 3, 4, 10, tzinfo=UTC)
LEASE = timedelta(minutes=2)


@pytest.fixture(params=["memory", "postgres"])
async def tables(request: pytest.FixtureRequest) -> AsyncIterator[NotificationTables]:
    """Both implementations, each knowing one launched program ("prog")."""
    if request.param == "memory":
        memory = MemoryNotificationTables()
        memory.memory_choices.know_program("prog")
        yield memory
        return
    conn = await connect(request.getfixturevalue("fresh_dsn"))
    try:
        await conn.execute(
            "INSERT INTO programs (program_id, name, owner_id) VALUES ('prog', 'P', 'admin')"
        )
        yield PostgresNotificationTables(conn)
    finally:
        await conn.close()


class Announcing:
    """The book, announcing what it schedules at once (announcing has its own test)."""

    def __init__(self, book: DeliveryBook) -> None:
        self._book = book

    def __getattr__(self, name: str) -> object:
        return getattr(self._book, name)

    async def schedule(self, planned: list[Planned]) -> None:
        await self._book.schedule(planned)
        await self._book.announce(10_000)


@pytest.fixture
def book(tables: NotificationTables) -> DeliveryBook:
    return Announcing(tables.book)  # type: ignore[return-value]  # duck-typed wrapper


async def test_new_deliveries_are_announced_once_soonest_first_and_only_then_claimed(
    tables: NotificationTables,
) -> None:
    book = tables.book
    later = NOW + timedelta(hours=1)
    await book.schedule([planned("late", due_at=later), planned("now")])
    assert await book.claim(NOW, LEASE, 10) == []  # not announced yet: not sent yet
    first = await book.announce(3)
    assert [(a.notification_id, a.channel) for a in first] == [
        (planned("now").notification_id, Channel.EMAIL),
        (planned("now").notification_id, Channel.IN_APP),
        (planned("late").notification_id, Channel.EMAIL),
    ]
    assert first[0].kind is Kind.INTRODUCTION
    assert first[0].recipient_id == "alice"
    assert first[0].pair_id is None
    assert first[0].due_at == NOW
    await book.schedule([planned("now")])  # a repeat is nothing new
    [rest] = await book.announce(10)
    assert (rest.notification_id, rest.channel) == (planned("late").notification_id, Channel.IN_APP)
    assert await book.announce(10) == []
    assert len(await book.claim(NOW, LEASE, 10)) == 2


async def test_announcing_up_to_a_moment_leaves_what_is_due_later_for_later(
    tables: NotificationTables,
) -> None:
    book = tables.book
    await book.schedule([planned("soon"), planned("in-3-days", due_at=NOW + timedelta(days=3))])
    first = await book.announce(10, NOW + timedelta(hours=1))
    assert {a.notification_id for a in first} == {planned("soon").notification_id}
    assert await book.announce(10, NOW + timedelta(hours=1)) == []
    later = await book.announce(10, NOW + timedelta(days=3))
    assert {a.notification_id for a in later} == {planned("in-3-days").notification_id}


def planned(
    cause: str, who: str = "alice", kind: Kind = Kind.INTRODUCTION, **kw: object
) -> Planned:
    fields: dict[str, object] = {"due_at": NOW, "tags": ("pair:p1",), "data": {"pair_id": "p1"}}
    fields.update(kw)
    return Planned(cause, who, kind, **fields)  # type: ignore[arg-type]  # test shorthand


async def test_the_same_cause_scheduled_twice_is_one_delivery_per_channel(
    book: DeliveryBook,
) -> None:
    await book.schedule([planned("ev1")])
    await book.schedule([planned("ev1"), planned("ev2")])
    claimed = [c for c in await book.claim(NOW, LEASE, 100) if c.cause_id == "ev1"]
    assert sorted(c.delivery.channel for c in claimed) == [Channel.EMAIL, Channel.IN_APP]
    assert claimed[0].data == {"pair_id": "p1"}
    assert claimed[0].cause_id == "ev1"


async def test_claims_take_the_most_urgent_first_and_leave_what_is_not_due(
    book: DeliveryBook,
) -> None:
    await book.schedule(
        [
            planned("intro", channels=(Channel.EMAIL,)),
            planned(
                "remind",
                kind=Kind.MEETING_REMINDER,
                channels=(Channel.EMAIL,),
                due_at=NOW - timedelta(seconds=1),
            ),
            planned("later", channels=(Channel.EMAIL,), due_at=NOW + timedelta(hours=1)),
        ]
    )
    first = await book.claim(NOW, LEASE, 1)
    assert [c.cause_id for c in first] == ["remind"]
    assert first[0].delivery.status is Status.SENDING
    assert first[0].delivery.attempts == 1
    rest = await book.claim(NOW, LEASE, 10)
    assert [c.cause_id for c in rest] == ["intro"]
    assert await book.claim(NOW, LEASE, 10) == []


async def test_an_expired_lease_is_claimed_again_and_the_stale_sender_cannot_settle(
    book: DeliveryBook,
) -> None:
    await book.schedule([planned("ev1", channels=(Channel.EMAIL,))])
    [first] = await book.claim(NOW, LEASE, 10)
    assert await book.claim(NOW + LEASE / 2, LEASE, 10) == []
    [second] = await book.claim(NOW + LEASE, LEASE, 10)
    assert second.delivery.attempts == 2
    stale = Settled(first.delivery, first.delivery.succeed())
    assert await book.settle([stale], NOW) == [False]
    current = Settled(second.delivery, second.delivery.succeed())
    assert await book.settle([current], NOW) == [True]
    got = await book.get(second.delivery.notification_id, "email")
    assert got is not None
    assert got.status is Status.SENT


async def test_a_temporary_failure_is_settled_as_a_later_retry(book: DeliveryBook) -> None:
    await book.schedule([planned("ev1", channels=(Channel.EMAIL,))])
    [c] = await book.claim(NOW, LEASE, 10)
    outcome = c.delivery.fail(TemporaryFailure("451 later"), NOW, RetryPolicy(), 0.0)
    assert await book.settle([Settled(c.delivery, outcome)], NOW) == [True]
    assert await book.claim(NOW, LEASE, 10) == []
    [again] = await book.claim(outcome.due_at, LEASE, 10)
    assert again.delivery.attempts == 2
    assert again.delivery.last_error == "451 later"


async def test_a_deferral_gives_the_attempt_back(book: DeliveryBook) -> None:
    await book.schedule([planned("ev1", channels=(Channel.EMAIL,))])
    [c] = await book.claim(NOW, LEASE, 10)
    morning = NOW + timedelta(hours=8)
    assert await book.settle([Settled(c.delivery, c.delivery.defer(morning))], NOW) == [True]
    [later] = await book.claim(morning, LEASE, 10)
    assert later.delivery.attempts == 1


async def test_cancelling_a_tag_stops_only_what_is_still_scheduled(book: DeliveryBook) -> None:
    await book.schedule(
        [
            planned("a", channels=(Channel.EMAIL,)),
            planned("b", channels=(Channel.EMAIL,), due_at=NOW + timedelta(days=3)),
            planned("c", channels=(Channel.EMAIL,), tags=("pair:p2",)),
        ]
    )
    [sending, *_] = await book.claim(NOW, LEASE, 1)
    assert await book.cancel(["pair:p1"], NOW) == 1
    assert sending.cause_id == "a"
    got = await book.get(sending.delivery.notification_id, "email")
    assert got is not None
    assert got.status is Status.SENDING  # in flight: its outcome decides
    later = await book.claim(NOW + timedelta(days=4), LEASE, 10)
    assert sorted(c.cause_id for c in later) == ["a", "c"]  # "a" by its expired lease; "b" gone


async def test_the_inbox_lists_counts_and_marks_read_only_for_its_owner(book: DeliveryBook) -> None:
    ids = ["00000000-0000-0000-0000-00000000000" + str(i) for i in range(3)]
    entries = [
        InboxEntry(nid, "alice", "introduction", f"s{i}", "b", NOW + timedelta(minutes=i))
        for i, nid in enumerate(ids)
    ]
    await book.deliver_in_app(entries[:2])
    await book.deliver_in_app(entries[1:])  # the second one again: still once
    await book.deliver_in_app([])
    assert [e.subject for e in await book.inbox("alice", 10, False)] == ["s2", "s1", "s0"]
    assert await book.unread("alice") == 3
    assert not await book.mark_read("bob", ids[0], NOW)
    assert await book.mark_read("alice", ids[0], NOW)
    assert await book.unread("alice") == 2
    assert [e.subject for e in await book.inbox("alice", 10, True)] == ["s2", "s1"]


async def test_a_persons_choices_are_replaced_and_unsubscribing_keeps_the_rest(
    tables: NotificationTables,
) -> None:
    choices = tables.choices
    assert await choices.person("alice") is None
    await choices.unsubscribe_email("bob", NOW)
    bob = await choices.person("bob")
    assert bob is not None
    assert bob.preferences.email_unsubscribed
    mine = PersonChoices(
        Preferences({Kind.NUDGE: frozenset({Channel.IN_APP})}, share_celebrations=True),
        Rhythm("Asia/Tokyo", weekend=frozenset({4, 5})),
    )
    await choices.save_person("alice", mine, NOW)
    assert await choices.person("alice") == mine
    await choices.unsubscribe_email("alice", NOW)
    after = await choices.person("alice")
    assert after is not None
    assert after.preferences.email_unsubscribed
    assert after.preferences.share_celebrations
    assert after.rhythm == mine.rhythm


async def test_program_settings_keep_the_secret_until_the_webhook_goes(
    tables: NotificationTables,
) -> None:
    choices = tables.choices
    await choices.save_program("unknown", {}, None, None, "")
    assert await choices.program("unknown") is None
    await choices.save_program("prog", {"nudge": ["in_app"]}, "https://x.test/h", "s1", "ask us")
    await choices.save_program("prog", {}, "https://x.test/h", None, "ask us")
    assert await choices.program("prog") == ProgramChannels({}, "https://x.test/h", "s1", "ask us")
    await choices.save_program("prog", {}, None, "ignored", "")
    assert await choices.program("prog") == ProgramChannels({}, None, None, "")


async def test_template_overrides_are_put_replaced_and_dropped(tables: NotificationTables) -> None:
    choices = tables.choices
    assert not await choices.drop_template("prog", "nudge", "subject")
    await choices.put_template("prog", "nudge", "subject", "Hi {{ recipient }}")
    await choices.put_template("prog", "nudge", "subject", "Hello {{ recipient }}")
    assert await choices.template("prog", "nudge", "subject") == "Hello {{ recipient }}"
    assert await choices.template("prog", "nudge", "text") is None
    assert await choices.drop_template("prog", "nudge", "subject")
    assert await choices.template("prog", "nudge", "subject") is None
