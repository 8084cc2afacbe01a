"""A smaller demo on the real servers: every read model agrees with the log, and no one but the
pair ever sees a pair's words.

The counts are checked against the events read back from Kafka with a plain consumer; the
notifications against what the demo's SMTP sink and webhook receiver actually took in.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from tandem_demo.client import Tandem, until
from tandem_demo.figures import ProgramFigures, analyst_enrolled, analytics_caught_up
from tandem_demo.organisation import organisation
from tandem_demo.story import ADMIN, Story
from tandem_demo.summary import caught_up
from tandem_service.auth import Role
from tandem_testkit.databases import DatabaseFactory

from .stack import Stack, analyst_dsn

# Small enough for a loaded CI machine; TANDEM_E2E_PEOPLE=120 TANDEM_E2E_WEEKS=4 for the full size.
PEOPLE = int(os.environ.get("TANDEM_E2E_PEOPLE", "60"))
WEEKS = int(os.environ.get("TANDEM_E2E_WEEKS", "3"))
SETTLED = {"sent", "cancelled"}
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def stack(
    kafka_bootstrap: str,
    database_factory: DatabaseFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    running = Stack(kafka_bootstrap, database_factory, tmp_path_factory.mktemp("keys"))
    yield running
    running.close()


@dataclass
class Log:
    """The events of one topic as a plain consumer reads them: type and data, in offset order."""

    events: list[tuple[str, dict[str, Any]]]

    def count(self) -> Counter[str]:
        """How often each event type occurs."""
        return Counter(kind for kind, _ in self.events)

    def of(self, kind: str) -> list[dict[str, Any]]:
        """The data of every event of ``kind``."""
        return [data for k, data in self.events if k == kind]


async def _played(stack: Stack, kafka: str) -> tuple[Story, Tandem]:
    tandem = Tandem(stack.urls, stack.keys)
    story = Story(tandem, stack, organisation(PEOPLE, 11, "e2e"), 11)
    await story.import_directory()
    await story.launch()
    stack.inboxes.hooks.secret = await story.announce_to(stack.inboxes.hooks.url)
    await story.enrol(lambda: None)
    await story.share_celebrations()
    await story.wait_roster()
    await story.preview()
    await story.commit_round()
    for number in range(1, WEEKS + 1):
        # Restarting notifications mid-batch would resend that batch (it abandons its leases):
        # move the clock only once it is idle.
        await _deliveries_settled(story, stack, kafka, introduced=False)
        await asyncio.to_thread(stack.move_to, 7 * number)
        await story.week(number, lambda: None)
        if number == 2:
            await story.rematch()
    return story, tandem


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    for _ in range(50):
        found = consumer.partitions_for_topic(topic)
        if found:
            return set(found)
        await asyncio.sleep(0.1)
    raise AssertionError(f"no topic {topic}")


async def _on_kafka(bootstrap: str, topic: str) -> Log:
    """Every event on ``topic``, read back with a plain consumer from the first offset."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,  # no group: every partition, from the first record
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(await _partitions(consumer, topic))]
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        expected = sum(ends[p] - starts[p] for p in partitions)
        events: list[tuple[str, dict[str, Any]]] = []
        for _ in range(120):
            if len(events) >= expected:
                break
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    ce_type = dict(record.headers)["ce_type"].decode()  # tandem.<ctx>.<Name>.v<n>
                    events.append((ce_type.split(".")[2], json.loads(record.value or b"{}")))
        return Log(events)
    finally:
        await consumer.stop()


def _sent_per_channel(rows: list[dict[str, Any]]) -> Counter[str]:
    sent = Counter[str]()
    for row in rows:
        if row["status"] == "sent":
            sent[row["channel"]] += row["count"]
    return sent


async def _deliveries_settled(
    story: Story, stack: Stack, kafka: str, *, introduced: bool = True
) -> tuple[Log, list[dict[str, Any]]]:
    """Once the inboxes, the log and the owner's counts agree (and, if ``introduced``, every
    introduction is settled)."""
    topic = stack.prefix + "notifications.events"
    path = f"/programs/{story.program_id}/deliveries"

    async def probe() -> tuple[str, tuple[Log, list[dict[str, Any]]]]:
        rows = await story.tandem.read("notifications", path, ADMIN, Role.PROGRAM_ADMIN)
        log = await _on_kafka(kafka, topic)
        logged = Counter(e["channel"] for e in log.of("NotificationSent"))
        arrived = stack.inboxes.delivered()
        intros = [r for r in rows if r["kind"] == "introduction"] if introduced else []
        pending = [r for r in intros if r["status"] not in SETTLED]
        views = (
            arrived,
            {c: logged[c] for c in arrived},
            {c: _sent_per_channel(rows)[c] for c in arrived},
        )
        if pending or views[0] != views[1] or views[1] != views[2]:
            return f"introductions {pending}; inboxes, log, owner {views}", (log, rows)
        return "", (log, rows)

    await until(probe, "notifications' deliveries", seconds=120)
    await asyncio.sleep(3)  # still equal a moment later: nothing was in flight
    return await until(probe, "notifications' deliveries", seconds=60)


async def test_every_read_model_counts_what_the_log_holds_and_no_one_else_sees_words(
    stack: Stack, kafka_bootstrap: str
) -> None:
    story, tandem = await _played(stack, kafka_bootstrap)
    try:
        rows = await caught_up(story)
        health = await tandem.read(
            "engagement", f"/programs/{story.program_id}/health", ADMIN, Role.PROGRAM_ADMIN
        )
        for pair in [p for p in story.pairs if not p.pair_id.startswith("ended:")][:10]:
            path = f"/pairs/{pair.pair_id}/workspace"
            await tandem.read("engagement", path, ADMIN, Role.PROGRAM_ADMIN)
            await tandem.read("engagement", path, pair.members[0], Role.PARTICIPANT)
        figures = await analytics_caught_up(story)
        dashboard = f"/dashboard/programs/{story.program_id}"
        await tandem.read_text("analytics", dashboard, ADMIN, Role.PROGRAM_ADMIN)
        figures_path = f"/api/v1/programs/{story.program_id}/figures"
        await tandem.read("analytics", figures_path, "e2e-analyst", Role.ANALYST)
        await tandem.read(
            "notifications", f"/programs/{story.program_id}/deliveries", ADMIN, Role.PROGRAM_ADMIN
        )
        matching = await _on_kafka(kafka_bootstrap, stack.prefix + "matching.events")
        engagement = await _on_kafka(kafka_bootstrap, stack.prefix + "engagement.events")
        # Mail waits for each recipient's working hours: let a day pass, a third at a time.
        for hours in (8, 16, 24):
            await _deliveries_settled(story, stack, kafka_bootstrap, introduced=False)
            await asyncio.to_thread(stack.mail_later, hours)
        notifications, deliveries = await _deliveries_settled(story, stack, kafka_bootstrap)
        analyst = analyst_dsn(stack.dsn["analytics"])
        analyst_enrolments = await analyst_enrolled(analyst, story.program_id)
    finally:
        await tandem.close()

    counts = engagement.count()
    assert story.tally.check_ins > 0, (matching.count(), counts)
    assert sum(r["check_ins"] for r in rows) == counts["CheckInLogged"] == story.tally.check_ins
    assert sum(r["goals_completed"] for r in rows) == counts["GoalCompleted"]
    assert sum(r["milestones"] for r in rows) == counts["MilestoneReached"]
    assert len(rows) == matching.count()["PairCreated"]
    assert sum(health.values()) == sum(r["closed_at"] is None for r in rows)
    assert {"at_risk", "stalled"} & set(health), health
    _check_analytics(figures, analyst_enrolments, matching, engagement)
    _check_notifications(stack, notifications, matching, deliveries)
    _check_no_words_leak(story, tandem, stack)


def _check_analytics(
    figures: ProgramFigures, analyst_enrolments: int, matching: Log, engagement: Log
) -> None:
    """The owner's figures and the analyst's view count what the log holds."""
    enrolled = {e["person_id"] for e in matching.of("ParticipantEnrolled")}
    paired = {m for e in matching.of("PairCreated") for m in e["member_ids"]}
    assert figures.enrolled == len(enrolled) == analyst_enrolments
    assert figures.matched == len(paired)
    assert figures.check_ins == engagement.count()["CheckInLogged"]
    assert figures.goals_completed == engagement.count()["GoalCompleted"]


def _check_notifications(
    stack: Stack, notifications: Log, matching: Log, deliveries: list[dict[str, Any]]
) -> None:
    """Every member of every pair was introduced by email once, unless the pair ended first;
    the inboxes, the log and the owner's counts agree, with nothing sent twice."""
    sent = Counter(
        (e["notification_id"], e["channel"]) for e in notifications.of("NotificationSent")
    )
    assert max(sent.values()) == 1, "a notification was sent twice on one channel"
    by_channel = Counter(e["channel"] for e in notifications.of("NotificationSent"))
    assert _sent_per_channel(deliveries) == by_channel
    assert stack.inboxes.delivered() == {c: by_channel[c] for c in ("email", "webhook")}
    introductions = Counter[str]()
    for row in deliveries:
        if (row["kind"], row["channel"]) == ("introduction", "email"):
            introductions[row["status"]] += row["count"]
    members = sum(len(e["member_ids"]) for e in matching.of("PairCreated"))
    ended = sum(len(e["member_ids"]) for e in matching.of("PairEnded"))
    assert introductions["sent"] + introductions["cancelled"] == members, introductions
    assert introductions["cancelled"] <= ended, introductions
    assert stack.inboxes.duplicates() == 0, stack.inboxes.repeated()
    assert stack.inboxes.hooks.refused == 0
    assert by_channel["webhook"] > 0, "no milestone reached the program channel"


def _check_no_words_leak(story: Story, tandem: Tandem, stack: Stack) -> None:
    """No admin, analyst or notification output holds a note, goal title or feedback text."""
    admin_seen = [text for role, _, text in tandem.responses if role != Role.PARTICIPANT]
    member_seen = [text for role, _, text in tandem.responses if role == Role.PARTICIPANT]
    assert len(admin_seen) > 10
    # The scan can see a leak: the members' own workspaces do show their words.
    assert any(w in text for w in story.tally.private_texts for text in member_seen)
    outputs = admin_seen + stack.inboxes.texts()
    leaked = [w for w in story.tally.private_texts if any(w in text for text in outputs)]
    assert leaked == []
