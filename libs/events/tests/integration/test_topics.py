"""Topic provisioning on the real broker: event logs kept forever, a DLQ per consumed topic."""

from __future__ import annotations

from collections.abc import Callable

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from tandem_events.topics import provision_topics, topic_plan


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
