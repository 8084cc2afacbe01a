"""Provisioning the topics a service writes: its event log (kept forever) and dead letters.

Provisioning runs before the relay publishes anything (a publish to a missing topic would let
a broker that auto-creates topics make it with its own defaults, e.g. 7-day retention), and
:func:`topic_drift` lets ``/ready`` fail while an existing topic differs from the plan.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from tandem_events.dead_letters import dlq_topic

# The event log is the source for every rebuild: it is never deleted by age or size.
EVENT_LOG_CONFIG = {"retention.ms": "-1", "retention.bytes": "-1", "cleanup.policy": "delete"}
# Dead letters wait for an operator, but not forever.
DEAD_LETTER_CONFIG = {"retention.ms": str(30 * 24 * 3600 * 1000), "cleanup.policy": "delete"}


def topic_plan(
    own_topics: Sequence[str], consumed_topics: Sequence[str], prefix: str = ""
) -> dict[str, dict[str, str]]:
    """Topic name -> config: the service's own logs, and a dead-letter topic for each input."""
    plan = {prefix + t: EVENT_LOG_CONFIG for t in own_topics}
    plan.update({dlq_topic(prefix + t): DEAD_LETTER_CONFIG for t in consumed_topics})
    return plan


async def provision_topics(
    bootstrap: str,
    plan: dict[str, dict[str, str]],
    *,
    partitions: int,
    replication: int,
    **options: Any,
) -> list[str]:
    """Create the planned topics that do not exist yet; returns the ones created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **options)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name, partitions, replication, topic_configs=config)
            for name, config in sorted(plan.items())
            if name not in existing
        ]
        if wanted:
            # Another instance may create them meanwhile.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(wanted)
        return [t.name for t in wanted]
    finally:
        await admin.close()


async def topic_drift(
    bootstrap: str, plan: dict[str, dict[str, str]], *, partitions: int, **options: Any
) -> list[str]:
    """How the broker's topics differ from ``plan`` (missing, partition count, config)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **options)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        present = sorted(t for t in plan if t in existing)
        problems = [f"{t}: missing" for t in sorted(plan) if t not in existing]
        if not present:
            return problems
        for described in await admin.describe_topics(present):
            count = len(described["partitions"])
            if count != partitions:
                problems.append(f"{described['topic']}: {count} partitions, planned {partitions}")
        responses = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, t) for t in present]
        )
    finally:
        await admin.close()
    for response in responses:
        for resource in response.resources:
            name, entries = resource[3], {e[0]: e[1] for e in resource[4]}
            for key, wanted in sorted(plan[name].items()):
                if entries.get(key) != wanted:
                    problems.append(f"{name}: {key}={entries.get(key)}, planned {wanted}")
    return problems
