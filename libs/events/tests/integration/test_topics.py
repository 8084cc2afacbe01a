"""Topic provisioning on the real broker: event logs kept forever, a DLQ per consumed topic."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from tandem_events.kafka_producer import EventPublisher, ensure_topics
from tandem_events.relay import Relay
from tandem_events.store import EventStore
from tandem_events.topics import provision_topics, topic_drift, topic_plan

from ..conftest import check_in
from .conftest import run_until_published


async def test_provisioning_creates_logs_and_dead_letter_topics_once(
    kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("topics") + "."
    plan = topic_plan(["engagement.events"], ["matching.events"], prefix)
    assert set(plan) == {prefix + "engagement.events", prefix + "matching.events.dlq"}
    created = await provision_topics(kafka_bootstrap, plan, partitions=2, replication=1)
    assert sorted(created) == sorted(plan)
    assert await provision_topics(kafka_bootstrap, plan, partitions=2, replication=1) == []
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics([prefix + "engagement.events"])
        assert len(described[0]["partitions"]) == 2
        configs = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, prefix + "engagement.events")]
        )
    finally:
        await admin.close()
    entries = {c[0]: c[1] for c in configs[0].resources[0][4]}
    assert entries["retention.ms"] == "-1"


async def test_drift_names_retention_partitions_and_missing_topics(
    kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("drift") + "."
    plan = topic_plan(["engagement.events"], ["matching.events"], prefix)
    # What a broker's auto-creation (or a hand-made topic) leaves: defaults everywhere.
    await ensure_topics(kafka_bootstrap, [prefix + "engagement.events"], partitions=1)
    drift = await topic_drift(kafka_bootstrap, plan, partitions=2)
    assert f"{prefix}matching.events.dlq: missing" in drift
    assert f"{prefix}engagement.events: 1 partitions, planned 2" in drift
    assert any(d.startswith(f"{prefix}engagement.events: retention.ms=") for d in drift)


async def test_the_relay_provisions_its_topics_before_it_publishes(
    pool: asyncpg.Pool, events_dsn: str, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("provision-first") + "."
    plan = topic_plan(["engagement.events"], [], prefix)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()

    async def provision() -> list[str]:
        return await provision_topics(kafka_bootstrap, plan, partitions=2, replication=1)

    relay = Relay(events_dsn, publisher, provision=provision, idle_seconds=0.01)
    await EventStore(pool, "/tandem/test").append("pair-1", 0, [check_in("pair-1")])
    try:
        await run_until_published(relay, pool)
    finally:
        await publisher.stop()
    assert await topic_drift(kafka_bootstrap, plan, partitions=2) == []
