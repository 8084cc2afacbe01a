"""Runs the PairActivity projection until killed: ``runner_child.py DSN BOOTSTRAP PREFIX GROUP``."""

from __future__ import annotations

import asyncio
import sys

from tandem_events.runner import ProjectionRunner
from tandem_service.database import create_pool
from tandem_testkit.pair_activity import PairActivity


async def main(dsn: str, bootstrap: str, prefix: str, group: str) -> None:
    """Project forever; the test ends this process with SIGKILL."""
    pool = await create_pool(dsn)
    runner = ProjectionRunner(pool, bootstrap, PairActivity(), group_id=group, topic_prefix=prefix)
    await runner.start()
    print("runner started", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
