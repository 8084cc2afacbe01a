"""A smaller demo on the real servers: the read models agree with the log, and admins see no words.

Matching and engagement run in this process on their own databases and one topic prefix;
engagement restarts on the same database whenever the story moves its clock.
"""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from tandem_demo.client import Tandem
from tandem_demo.organisation import organisation
from tandem_demo.story import ADMIN, Story
from tandem_demo.summary import caught_up
from tandem_engagement.bootstrap import SERVICE as ENGAGEMENT
from tandem_matching.bootstrap import SERVICE as MATCHING
from tandem_service.auth import Role
from tandem_service.bootstrap import ServiceDefinition
from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.uvicorn_server import serving

# Small enough for a loaded CI machine; TANDEM_E2E_PEOPLE=120 TANDEM_E2E_WEEKS=4 for the full size.
PEOPLE = int(os.environ.get("TANDEM_E2E_PEOPLE", "60"))
WEEKS = int(os.environ.get("TANDEM_E2E_WEEKS", "3"))
KEK = "TANDEM_KEY_ENCRYPTION_KEY"
pytestmark = pytest.mark.timeout(600)


class Stack:
    """Matching and engagement on private databases; engagement restarts to move its clock."""

    def __init__(self, kafka: str, databases: DatabaseFactory, keys: Path) -> None:
        self.prefix = f"test.e2e-{uuid.uuid4().hex[:10]}."
        self.kafka, self.keys, self.databases = kafka, keys, databases
        self.dsn = {
            d.name: databases.create(d.all_migrations, d.name) for d in (MATCHING, ENGAGEMENT)
        }
        # The backbone reads the key-encryption key from the environment, not the settings.
        self.kek_before = os.environ.get(KEK)
        os.environ[KEK] = base64.b64encode(os.urandom(32)).decode()
        self.urls: dict[str, str] = {}
        self.running: dict[str, AbstractContextManager[str]] = {}
        self.offset_days = 0
        self._start(MATCHING)
        self._start(ENGAGEMENT)

    def _start(self, definition: ServiceDefinition, **extra: Any) -> None:
        settings = definition.settings(
            env="test",
            database_url=self.dsn[definition.name],
            kafka_bootstrap=self.kafka,
            topic_prefix=self.prefix,
            dev_keys_dir=self.keys,
            **extra,
        )
        serving_app = serving(definition.build_app(settings))
        self.urls[definition.name] = serving_app.__enter__()
        self.running[definition.name] = serving_app

    def today(self) -> date:
        """The simulated date (UTC)."""
        return (datetime.now(UTC) + timedelta(days=self.offset_days)).date()

    def move_to(self, offset_days: int) -> None:
        """Restart engagement on its database with the clock moved."""
        self.running.pop(ENGAGEMENT.name).__exit__(None, None, None)
        self._start(ENGAGEMENT, clock_offset_days=offset_days)
        self.offset_days = offset_days

    def close(self) -> None:
        """Stop both services and drop their databases."""
        for running in self.running.values():
            running.__exit__(None, None, None)
        for dsn in self.dsn.values():
            self.databases.drop(dsn)
        if self.kek_before is None:
            os.environ.pop(KEK, None)
        else:
            os.environ[KEK] = self.kek_before


@pytest.fixture(scope="module")
def stack(
    kafka_bootstrap: str,
    database_factory: DatabaseFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    running = Stack(kafka_bootstrap, database_factory, tmp_path_factory.mktemp("keys"))
    yield running
    running.close()


async def _played(stack: Stack) -> tuple[Story, Tandem]:
    tandem = Tandem(stack.urls, stack.keys)
    story = Story(tandem, stack, organisation(PEOPLE, 11, "e2e"), 11)
    await story.import_directory()
    await story.launch()
    await story.enrol(lambda: None)
    await story.wait_roster()
    await story.preview()
    await story.commit_round()
    for number in range(1, WEEKS + 1):
        stack.move_to(7 * number)
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


async def _on_kafka(bootstrap: str, topic: str) -> Counter[str]:
    """Every event type on ``topic`` and how often, read back with a plain consumer."""
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
        types: Counter[str] = Counter()
        for _ in range(120):
            if sum(types.values()) >= expected:
                break
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    headers = dict(record.headers)
                    types[headers["ce_type"].decode().split(".")[2]] += (
                        1  # tandem.<context>.<Name>.v<n>
                    )
        return types
    finally:
        await consumer.stop()


async def test_the_read_models_count_what_the_log_holds_and_admins_never_see_words(
    stack: Stack, kafka_bootstrap: str
) -> None:
    story, tandem = await _played(stack)
    try:
        rows = await caught_up(story)
        health = await tandem.read(
            "engagement", f"/programs/{story.program_id}/health", ADMIN, Role.PROGRAM_ADMIN
        )
        for pair in [p for p in story.pairs if not p.pair_id.startswith("ended:")][:10]:
            path = f"/pairs/{pair.pair_id}/workspace"
            await tandem.read("engagement", path, ADMIN, Role.PROGRAM_ADMIN)
            await tandem.read("engagement", path, pair.members[0], Role.PARTICIPANT)
        await asyncio.sleep(2)  # the relay publishes what the last commands appended
        matching = await _on_kafka(kafka_bootstrap, stack.prefix + "matching.events")
        engagement = await _on_kafka(kafka_bootstrap, stack.prefix + "engagement.events")

        assert story.tally.check_ins > 0, (matching, engagement)
        assert sum(r["check_ins"] for r in rows) == engagement["CheckInLogged"]
        assert engagement["CheckInLogged"] == story.tally.check_ins
        assert sum(r["goals_completed"] for r in rows) == engagement["GoalCompleted"]
        assert sum(r["milestones"] for r in rows) == engagement["MilestoneReached"]
        assert len(rows) == matching["PairCreated"]
        assert sum(health.values()) == sum(r["closed_at"] is None for r in rows)
        assert {"at_risk", "stalled"} & set(health), health

        admin_seen = [text for role, _, text in tandem.responses if role != Role.PARTICIPANT]
        member_seen = [text for role, _, text in tandem.responses if role == Role.PARTICIPANT]
        assert len(admin_seen) > 10
        # The scan can see a leak: the members' own workspaces do show their words.
        assert any(w in text for w in story.tally.private_texts for text in member_seen)
        leaked = [w for w in story.tally.private_texts if any(w in text for text in admin_seen)]
        assert leaked == []
    finally:
        await tandem.close()
