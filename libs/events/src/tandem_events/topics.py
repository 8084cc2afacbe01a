"""Provisioning the topics a service writes: its event log (kept forever) and dead letters."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
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
