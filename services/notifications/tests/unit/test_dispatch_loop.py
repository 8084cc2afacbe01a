"""Stopping the dispatch loop lets the batch in flight settle: a stop never sends mail twice."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from tandem_notifications.handlers.dispatch_loop import DispatchLoop


class SlowBatches:
    """A dispatcher whose batches take a while; it records which ones finished."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = 0
        self.finished = 0
        self.running = asyncio.Event()

    async def run_once(self) -> int:
        self.started += 1
        self.running.set()
        await asyncio.sleep(self.seconds)  # sending, then recording the outcomes
        self.finished += 1
        return 1


async def test_a_stop_waits_for_the_batch_in_flight_and_starts_no_other() -> None:
    batches = SlowBatches(0.3)
    loop = DispatchLoop(cast(Any, batches), idle_seconds=0.01)
    await loop.start()
    await batches.running.wait()
    await loop.stop()
    assert batches.finished == batches.started == 1


async def test_past_the_grace_period_a_stuck_batch_is_cancelled() -> None:
    batches = SlowBatches(30)
    loop = DispatchLoop(cast(Any, batches), idle_seconds=0.01, grace_seconds=0.2)
    await loop.start()
    await batches.running.wait()
    await asyncio.wait_for(loop.stop(), 5)
    assert batches.finished == 0


async def test_an_idle_loop_stops_at_once() -> None:
    class Idle:
        async def run_once(self) -> int:
            return 0

    loop = DispatchLoop(cast(Any, Idle()), idle_seconds=60)
    await loop.start()
    await asyncio.sleep(0.05)
    await asyncio.wait_for(loop.stop(), 2)
