"""From matching's and engagement's events to what people receive, on the real servers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson
from aiokafka import AIOKafkaConsumer
from icalendar import Calendar

from tandem_events.catalog.engagement import CadenceAgreed, PulseInvited
from tandem_events.catalog.matching import (
    MatchingPolicy,
    PairCreated,
    PairEnded,
    ParticipantEnrolled,
    ParticipantProfile,
    ProgramLaunched,
)
from tandem_notifications.domain.identity import message_id, notification_id

from .stack import OWNER, Running, until


def program(program_id: str, at: datetime) -> ProgramLaunched:
    return ProgramLaunched(
        occurred_at=at,
        actor_id=OWNER,
        program_id=program_id,
        name="Grow together",
        purpose="career development",
        starts_on=date(2026, 1, 5),
        suggested_cadence_days=14,
        policy=MatchingPolicy(),
    )


def pair(pair_id: str, program_id: str, members: tuple[str, ...], at: datetime) -> PairCreated:
    return PairCreated(
        occurred_at=at,
        actor_id=OWNER,
        pair_id=pair_id,
        program_id=program_id,
        member_ids=members,
        score=0.9,
        reasons=("you both want to learn SQL",),
    )


def mid(cause: str, person: str, kind: str, channel: str = "email") -> str:
    return message_id(notification_id(cause, person, kind), channel, "tandem.local")


async def test_an_introduction_reaches_each_member_at_their_local_morning_once(
    service: Running,
) -> None:
    alice, bob = service.person("alice-1"), service.person("bob-1", timezone="Asia/Tokyo")
    now = service.clock.next_wednesday_morning()
    _, created = await service.publish(
        program("prog-1", now), pair("pair-1", "prog-1", (alice, bob), now)
    )

    alice_id = mid(created.id, alice, "introduction")
    await until(lambda: alice_id in service.sink.counts)
    [mail] = [m for m in service.sink.messages if m["Message-ID"] == alice_id]
    assert "Bob Example" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "you both want to learn SQL" in text
    assert "career development" in text
    assert "/unsubscribe?token=" in mail["List-Unsubscribe"]

    # 10:00 UTC is 19:00 in Tokyo: Bob's email waits for his morning, his inbox does not.
    inbox = await until(lambda: service.participant(bob).get("/inbox").json())
    assert inbox[0]["kind"] == "introduction"
    assert "Alice Example" in inbox[0]["subject"]
    bob_id = mid(created.id, bob, "introduction")
    assert bob_id not in service.sink.counts
    [row] = await service.fetch(
        "SELECT status, due_at FROM deliveries WHERE recipient_id = $1 AND kind = 'introduction'"
        " AND channel = 'email'",
        bob,
    )
    assert row["status"] == "scheduled"
    assert row["due_at"] == now + timedelta(hours=14)  # Thursday 09:00 in Tokyo

    service.clock.advance(timedelta(hours=14))
    await until(lambda: bob_id in service.sink.counts)

    # The same PairCreated again (a redelivery) then a fresh pair as a marker: nothing twice.
    carol = service.person("carol-1", timezone="Asia/Tokyo")  # its morning now
    dan = service.person("dan-1", timezone="Asia/Tokyo")
    _, marker = await service.publish(
        created, pair("pair-2", "prog-1", (carol, dan), service.clock.now)
    )
    await until(lambda: mid(marker.id, carol, "introduction") in service.sink.counts)
    assert service.sink.counts[alice_id] == 1
    assert service.sink.counts[bob_id] == 1
    sent = await service.fetch(
        "SELECT count(*) FROM events WHERE event_type = 'tandem.notifications.NotificationSent.v1'"
        " AND payload->>'recipient_id' = $1",
        alice,
    )
    assert sent[0][0] == 2  # email and in-app, once each


async def test_a_cadence_replaces_the_prompt_with_reminders_carrying_the_series(
    service: Running,
) -> None:
    erin, finn = service.person("erin-2"), service.person("finn-2")
    gina, hugo = service.person("gina-2"), service.person("hugo-2")
    start = service.clock.next_wednesday_morning()
    _, with_cadence, without = await service.publish(
        program("prog-2", start),
        pair("pair-3", "prog-2", (erin, finn), start),
        pair("pair-4", "prog-2", (gina, hugo), start),
    )
    await until(lambda: mid(without.id, gina, "introduction") in service.sink.counts)
    [agreed] = await service.publish(
        CadenceAgreed(
            occurred_at=start + timedelta(days=1),
            actor_id=erin,
            pair_id="pair-3",
            every_days=7,
            meeting_minutes=45,
            agreed_by=(erin, finn),
        )
    )
    await until(
        lambda: service.fetch("SELECT 1 FROM deliveries WHERE cause_id LIKE $1 || '#%'", agreed.id)
    )

    service.clock.advance(timedelta(days=5))  # Monday: the three-day prompt waited out the weekend
    await until(lambda: mid(without.id, gina, "cadence_prompt") in service.sink.counts)
    assert mid(with_cadence.id, erin, "cadence_prompt") not in service.sink.counts

    service.clock.advance(timedelta(days=2))  # Wednesday: a day before the first weekly meeting
    reminder = mid(f"{agreed.id}#1", erin, "meeting_reminder")
    await until(lambda: reminder in service.sink.counts)
    [mail] = [m for m in service.sink.messages if m["Message-ID"] == reminder]
    [ics] = list(mail.iter_attachments())
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert event["RRULE"]["INTERVAL"] == [7]
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Lisbon"

    [ended] = await service.publish(
        PairEnded(
            occurred_at=service.clock.now,
            actor_id=OWNER,
            pair_id="pair-3",
            program_id="prog-2",
            member_ids=(erin, finn),
            reason="completed",
        )
    )
    cancel = mid(ended.id, erin, "meeting_cancelled")
    await until(lambda: cancel in service.sink.counts)
    [mail] = [m for m in service.sink.messages if m["Message-ID"] == cancel]
    [ics] = list(mail.iter_attachments())
    assert ics.get_param("method") == "CANCEL"
    left = await service.fetch(
        "SELECT count(*) FROM deliveries WHERE pair_id = 'pair-3' AND status = 'scheduled'"
    )
    assert left[0][0] == 0


async def scheduled_on_kafka(
    service: Running, pair_id: str, settle: float
) -> list[dict[str, object]]:
    """The pair's NotificationScheduled payloads on notifications.events, read until quiet."""
    consumer = AIOKafkaConsumer(
        service.prefix + "notifications.events",
        bootstrap_servers=service.kafka_bootstrap,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await consumer.start()
    found: list[dict[str, object]] = []
    quiet_since = asyncio.get_running_loop().time()
    try:
        async with asyncio.timeout(90):
            while not found or asyncio.get_running_loop().time() - quiet_since < settle:
                for batch in (await consumer.getmany(timeout_ms=500)).values():
                    for r in batch:
                        kind = dict(r.headers)["ce_type"].decode()
                        payload = orjson.loads(r.value)
                        if "NotificationScheduled" in kind and payload.get("pair_id") == pair_id:
                            found.append(payload)
                            quiet_since = asyncio.get_running_loop().time()
    finally:
        await consumer.stop()
    return found


async def test_each_planned_notification_is_announced_once_on_kafka(service: Running) -> None:
    ivy, jon = service.person("ivy-5"), service.person("jon-5")
    now = service.clock.next_wednesday_morning()
    _, created = await service.publish(
        program("prog-5", now), pair("pair-5", "prog-5", (ivy, jon), now)
    )
    await service.publish(created)  # redelivered: planned already, announced already
    found = await scheduled_on_kafka(service, "pair-5", settle=5)
    keys = sorted((str(p["notification_id"]), str(p["channel"])) for p in found)
    assert len(keys) == len(set(keys))  # none twice
    rows = await service.fetch(
        "SELECT notification_id::text, channel, kind, due_at FROM deliveries WHERE pair_id = $1",
        "pair-5",
    )
    soon = [r for r in rows if r["due_at"] <= now + timedelta(hours=1)]
    assert keys == sorted((r["notification_id"], r["channel"]) for r in soon)
    intro = mid(created.id, ivy, "introduction").strip("<").split(".")[0]
    [email_intro] = [p for p in found if p["notification_id"] == intro and p["channel"] == "email"]
    assert email_intro["kind"] == "introduction"
    assert email_intro["recipient_id"] == ivy
    # The cadence prompts, due in three days, are held until due: no rows, no announcement.
    assert {p["kind"] for p in found} == {"introduction"}
    assert {r["kind"] for r in rows} == {"introduction"}
    held = await service.fetch(
        "SELECT payload->>'kind' FROM timers WHERE kind = 'notifications.held'"
        " AND payload->>'pair_id' = 'pair-5'"
    )
    assert [h[0] for h in held] == ["cadence_prompt", "cadence_prompt"]


async def test_reminders_keep_the_agreed_local_time_and_the_horizon_rolls_forward(
    service: Running,
) -> None:
    kim, lou = service.person("kim-6"), service.person("lou-6")  # Lisbon in the directory
    now = service.clock.next_wednesday_morning()
    enrolled = ParticipantEnrolled(
        occurred_at=now,
        actor_id=kim,
        program_id="prog-6",
        person_id=kim,
        level=3,
        profile=ParticipantProfile(timezone="America/New_York"),
    )
    _, _, created = await service.publish(
        program("prog-6", now), enrolled, pair("pair-6", "prog-6", (kim, lou), now)
    )
    await until(lambda: mid(created.id, lou, "introduction") in service.sink.counts)
    [agreed] = await service.publish(
        CadenceAgreed(
            occurred_at=now,
            actor_id=kim,
            pair_id="pair-6",
            every_days=7,
            meeting_minutes=30,
            agreed_by=(kim, lou),
            weekday="fri",
            time_of_day="afternoon",
        )
    )

    async def kims_reminders() -> list[datetime]:
        rows = await service.fetch(
            "SELECT due_at FROM deliveries WHERE recipient_id = $1 AND kind = 'meeting_reminder'"
            " AND channel = 'in_app' AND cause_id LIKE $2 || '#%' ORDER BY due_at",
            kim,
            agreed.id,
        )
        return [r[0] for r in rows]

    planned = await until(kims_reminders)
    assert len(planned) == 6  # the horizon: six meetings ahead
    local = [d.astimezone(ZoneInfo("America/New_York")) for d in planned]
    # The day before each Friday meeting, at 15:00 in her enrolment's zone (DST or not).
    assert {(t.weekday(), t.hour, t.minute) for t in local} == {(3, 15, 0)}
    assert planned[1] - planned[0] == timedelta(days=7)

    service.clock.now = planned[0] + timedelta(minutes=1)  # the first reminder came due
    rolled = await until(lambda: _longer(kims_reminders, 7))
    assert rolled[6] - rolled[5] == timedelta(days=7)
    [timer] = await service.fetch(
        "SELECT due_at FROM timers WHERE key = $1", f"meetings:pair-6:{kim}"
    )
    assert timer[0] == planned[1]  # looks again when the next one comes due


async def _longer(probe: Callable[[], Awaitable[list[datetime]]], n: int) -> list[datetime] | None:
    found = await probe()
    return found if len(found) >= n else None


async def test_engagements_pulse_invitation_reaches_each_member_once_per_their_choices(
    service: Running,
) -> None:
    mia, ned = service.person("mia-7"), service.person("ned-7")
    inbox_only = {"channels": {"pulse_invitation": ["in_app"]}}
    assert service.participant(ned).put("/preferences", json=inbox_only).status_code == 200
    now = service.clock.next_wednesday_morning()
    _, created = await service.publish(
        program("prog-7", now), pair("pair-7", "prog-7", (mia, ned), now)
    )
    await until(lambda: mid(created.id, mia, "introduction") in service.sink.counts)
    # Engagement decides when a pulse is due: the pair's creation plans none by itself.
    assert await service.fetch("SELECT key FROM timers WHERE key LIKE 'pulses:%'") == []

    invited = PulseInvited(
        occurred_at=service.clock.now,
        actor_id="engagement",
        pair_id="pair-7",
        member_ids=(mia, ned),
        round=1,
        invited_on=service.clock.now.date(),
    )
    [envelope] = await service.publish(invited)
    await service.publish(envelope)  # redelivered: still one invitation each
    mias = mid(envelope.id, mia, "pulse_invitation")
    await until(lambda: mias in service.sink.counts)
    [mail] = [m for m in service.sink.messages if m["Message-ID"] == mias]
    assert mail["Subject"] == "How is your pairing going? (month 1)"
    text = mail.get_body(("plain",)).get_content()
    assert "Hello Mia Example" in text
    assert "Grow together" in text
    assert "Ned Example" in text
    assert "/unsubscribe?token=" in mail["List-Unsubscribe"]

    def pulses_in(person: str) -> list[dict[str, object]]:
        inbox = service.participant(person).get("/inbox").json()
        return [i for i in inbox if i["kind"] == "pulse_invitation"]

    [neds] = await until(lambda: pulses_in(ned))
    assert "month 1" in neds["subject"]
    await until(lambda: pulses_in(mia))
    rows = await service.fetch(
        "SELECT recipient_id, channel, status FROM deliveries WHERE cause_id = $1"
        " ORDER BY recipient_id, channel",
        envelope.id,
    )
    assert [tuple(r) for r in rows] == [
        (mia, "email", "sent"),
        (mia, "in_app", "sent"),
        (ned, "email", "skipped"),  # he chose the inbox only
        (ned, "in_app", "sent"),
    ]
    assert mid(envelope.id, ned, "pulse_invitation") not in service.sink.counts
    assert service.sink.counts[mias] == 1


async def test_a_pulse_invitation_ahead_of_its_pair_waits_for_it_then_goes_out(
    service: Running,
) -> None:
    oli, pia = service.person("oli-8"), service.person("pia-8")
    now = service.clock.next_wednesday_morning()
    [early] = await service.publish(
        PulseInvited(
            occurred_at=now,
            actor_id="engagement",
            pair_id="pair-8",
            member_ids=(oli, pia),
            round=1,
            invited_on=now.date(),
        )
    )
    await service.publish(
        program("prog-8b", now),
        *(pair(f"pair-8-{i}", "prog-8b", (oli, pia), now) for i in range(20)),
        pair("pair-8", "prog-8b", (oli, pia), now),
    )
    invitations = [mid(early.id, person, "pulse_invitation") for person in (oli, pia)]
    # Both go out in the same batch over two connections: either may arrive first.
    await until(lambda: all(m in service.sink.counts for m in invitations))
    assert [service.sink.counts[m] for m in invitations] == [1, 1]
