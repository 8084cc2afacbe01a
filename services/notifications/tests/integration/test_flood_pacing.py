"""A round's flood of introductions goes out at the configured rate, and a reminder that comes
due meanwhile is not kept waiting behind it (real broker, database and SMTP server)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from tandem_events.catalog.engagement import CadenceAgreed

from .stack import Running, until
from .test_delivery_flow import mid, pair, program

RATE = 8  # emails per second, the configured pace
PAIRS = 24


@pytest.fixture(scope="module")
def service_settings() -> dict[str, Any]:
    return {"send_rate_per_second": RATE, "dispatch_batch": 8}


async def test_a_flood_is_paced_and_a_reminder_due_meanwhile_goes_first(service: Running) -> None:
    people = [service.person(f"p{n}-9") for n in range(2 * PAIRS)]
    now = service.clock.next_wednesday_morning()
    pairs = [
        pair(f"pair-9-{n}", "prog-9", (people[2 * n], people[2 * n + 1]), now) for n in range(PAIRS)
    ]
    # The last pair agreed weekly meetings six days ago: its first reminder is due this morning.
    agreed = CadenceAgreed(
        occurred_at=now - timedelta(days=6),
        actor_id=people[-1],
        pair_id=pairs[-1].pair_id,
        every_days=7,
        meeting_minutes=30,
        agreed_by=(people[-2], people[-1]),
    )
    _, *created, agreed_envelope = await service.publish(program("prog-9", now), *pairs, agreed)
    intros = {
        mid(c.id, p, "introduction")
        for c, e in zip(created, pairs, strict=True)
        for p in e.member_ids
    }
    reminder = mid(f"{agreed_envelope.id}#1", people[-1], "meeting_reminder")

    await until(lambda: intros & set(service.sink.counts))
    started = time.monotonic()
    await until(lambda: reminder in service.sink.counts)
    sent_before_reminder = len(intros & set(service.sink.counts))
    await until(lambda: intros <= set(service.sink.counts), timeout=120)
    flood_seconds = time.monotonic() - started

    assert sent_before_reminder < len(intros) / 2  # it overtook most of the flood
    # Paced: after the token bucket's first burst (RATE sends), no faster than RATE a second.
    assert flood_seconds >= (len(intros) - RATE) / RATE
    assert all(n == 1 for n in service.sink.counts.values())
