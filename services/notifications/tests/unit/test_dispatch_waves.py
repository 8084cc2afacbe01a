"""A batch's sends start in the claim's order (most urgent first) and settle in waves."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from typing import Any, cast

from tandem_notifications.handlers.dispatch import Dispatcher
from tandem_notifications.handlers.dispatch_config import DispatchConfig


class RecordingCourier:
    """Attempts that finish in a shuffled order; records the order they started in."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self._rng = random.Random(7)

    async def attempt(self, claimed: int, around: object, now: datetime) -> str:
        self.started.append(claimed)
        await asyncio.sleep(self._rng.random() / 100)
        return f"sent {claimed}"


async def test_sends_start_in_the_claims_order_and_settle_every_sixteen() -> None:
    config = DispatchConfig(unsubscribe_secret=b"k" * 32)
    dispatcher = Dispatcher(
        cast(Any, None),
        cast(Any, None),
        lambda: datetime.now(UTC),
        *([cast(Any, None)] * 3),
        config=config,
    )
    courier = RecordingCourier()
    waves: list[list[int]] = []

    async def settle(wave: list[tuple[int, str]]) -> None:
        waves.append([claimed for claimed, _ in wave])

    dispatcher._courier = cast(Any, courier)
    dispatcher._settle = cast(Any, settle)  # type: ignore[method-assign]
    claimed = list(range(40))  # as claimed: most urgent first
    await dispatcher._send_and_settle(cast(Any, claimed), cast(Any, None), datetime.now(UTC))

    assert courier.started == claimed
    assert [len(w) for w in waves] == [16, 16, 8]
    assert sorted(c for w in waves for c in w) == claimed
