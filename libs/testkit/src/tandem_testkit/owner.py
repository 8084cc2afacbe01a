"""Publishing as a topic's owning service would: provision its event log first, then send.

Brokers do not auto-create topics (as in production), so a test that stands in for matching
or engagement creates the log with the catalog's settings before its first record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher, WireRecord
from tandem_events.topics import provision_topics, topic_plan

PARTITIONS = 3  # the services' default (Settings.kafka_partitions)


# The catalog's event logs: what a test standing in for every owning service provisions.
CATALOG_LOGS = ("matching.events", "engagement.events", "notifications.events")


async def provision_logs(
    bootstrap: str, prefix: str, topics: Iterable[str], *, dead_letters: bool = False
) -> None:
    """Create the (unprefixed) event logs ``topics`` under ``prefix`` if missing, and their
    dead-letter topics when ``dead_letters`` (a consumer's service provisions those)."""
    logs = sorted(set(topics))
    plan = topic_plan(logs, logs if dead_letters else [], prefix)
    await provision_topics(bootstrap, plan, partitions=PARTITIONS, replication=1)


async def publish_as_owner(
    bootstrap: str,
    prefix: str,
    envelopes: Sequence[Envelope],
    records: Sequence[WireRecord] = (),
) -> None:
    """Provision the topics of ``envelopes`` and ``records``, then publish them in order."""
    await provision_logs(bootstrap, prefix, [e.topic for e in envelopes] + [r[0] for r in records])
    publisher = EventPublisher(bootstrap, topic_prefix=prefix)
    await publisher.start()
    try:
        await publisher.publish(envelopes)
        if records:
            await publisher.publish_records(records)
    finally:
        await publisher.stop()
