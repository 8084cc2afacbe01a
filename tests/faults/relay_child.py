"""Runs an outbox relay until killed: ``relay_child.py DSN BOOTSTRAP TOPIC_PREFIX BATCH``."""

from __future__ import annotations

import asyncio
import sys

from tandem_events.kafka_producer import EventPublisher
from tandem_events.relay import Relay


async def main(dsn: str, bootstrap: str, prefix: str, batch: int) -> None:
    """Relay forever; the test ends this process with SIGKILL."""
    publisher = EventPublisher(bootstrap, client_id="faults-relay", topic_prefix=prefix)
    await publisher.start()
    relay = Relay(dsn, publisher, batch_size=batch, idle_seconds=0.005)
    await relay.start()
    print("relay started", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
