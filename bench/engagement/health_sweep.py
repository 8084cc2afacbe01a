"""health_sweep_seconds: time-driven health transitions over N pairs (default 100,000).

Seeds N workspaces (opened, cadence agreed, one check-in, health steady) straight into a
scratch database, with the snapshot and review the service keeps beside each stream, then
moves the clock past the reviews and times the sweeps that turn every pair ``at_risk``.
Checks afterwards that each pair changed exactly once. ``--processes`` runs the sweepers in
that many processes (like service instances side by side), ``--sweepers`` in each.
Usage: ``.venv/bin/python bench/engagement/health_sweep.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import multiprocessing
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
from _common import insert_histories, load_average, record, scratch_database

from tandem_engagement.domain.folding import fold_all
from tandem_engagement.domain.health import next_review
from tandem_engagement.domain.workspace import Workspace
from tandem_engagement.handlers.follow_ups import with_follow_ups
from tandem_engagement.handlers.health_sweep import HealthReviews
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import (
    CadenceAgreed,
    CheckInLogged,
    WorkspaceOpened,
)
from tandem_service.database import create_pool

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
SOURCE = "/tandem/engagement"
CHUNK = 5_000


def history(pair_id: str) -> list[DomainEvent]:
    opened = WorkspaceOpened(
        occurred_at=T0,
        actor_id="engagement",
        pair_id=pair_id,
        program_id="prog",
        member_ids=(f"{pair_id}-a", f"{pair_id}-b"),
        purpose="onboarding",
        opened_on=T0.date(),
    )
    agreed = CadenceAgreed(
        occurred_at=T0,
        actor_id=f"{pair_id}-b",
        pair_id=pair_id,
        every_days=14,
        meeting_minutes=30,
        agreed_by=(f"{pair_id}-a", f"{pair_id}-b"),
    )
    met = CheckInLogged(
        occurred_at=T0 + timedelta(days=1),
        actor_id=f"{pair_id}-a",
        pair_id=pair_id,
        check_in_id="c1",
        met_on=(T0 + timedelta(days=1)).date(),
        duration_minutes=30,
        felt=4,
    )
    # What the service itself appends: each step with its milestones and health change.
    state, events = Workspace(), []
    for step in (opened, agreed, met):
        state, appended = with_follow_ups(state, [step], step.occurred_at)
        events += appended
    return events


async def seed(pool: asyncpg.Pool, pairs: int) -> datetime:
    """Insert every pair's history, snapshot and review; returns when the reviews fall due."""
    seeded_at = T0 + timedelta(days=1)
    for start in range(0, pairs, CHUNK):
        histories = {
            f"pair-{n:06d}": history(f"pair-{n:06d}")
            for n in range(start, min(pairs, start + CHUNK))
        }
        await insert_histories(pool, histories, seeded_at)
    review = next_review(fold_all(Workspace(), history("pair-x")), seeded_at)
    assert review is not None
    return review


async def _sweeps(dsn: str, due: datetime, sweepers: int, batch: int, go: Any, out: Any) -> int:
    pool = await create_pool(dsn, max_size=sweepers)
    try:
        reviews = HealthReviews(SOURCE)
        out.put(0)  # ready
        await asyncio.get_running_loop().run_in_executor(None, go.wait)
        fired = await asyncio.gather(
            *(reviews.sweep(pool, batch=batch).sweep(due) for _ in range(sweepers))
        )
        return sum(fired)
    finally:
        await pool.close()


def _sweep_process(dsn: str, due: datetime, sweepers: int, batch: int, go: Any, out: Any) -> None:
    out.put(asyncio.run(_sweeps(dsn, due, sweepers, batch, go, out)))


def sweep_everywhere(
    dsn: str, due: datetime, processes: int, sweepers: int, batch: int
) -> tuple[int, float]:
    """Start the sweeping processes and let them go at once: reviews fired, seconds taken."""
    context = multiprocessing.get_context("spawn")
    go, out = context.Event(), context.Queue()
    workers = [
        context.Process(target=_sweep_process, args=(dsn, due, sweepers, batch, go, out))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:  # imports done and pools open before the clock starts
        out.get()
    started = time.perf_counter()
    go.set()
    fired = sum(out.get() for _ in workers)
    seconds = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return fired, seconds


async def main(pairs: int, processes: int, sweepers: int, batch: int, write: bool) -> None:
    with scratch_database() as dsn:
        pool = await create_pool(dsn, max_size=3)
        try:
            started = time.perf_counter()
            due = await seed(pool, pairs)
            print(
                f"seeded {pairs:,} pairs in {time.perf_counter() - started:.1f} s", file=sys.stderr
            )
            await pool.execute("VACUUM ANALYZE")
            load = load_average()
            fire = functools.partial(sweep_everywhere, dsn, due, processes, sweepers, batch)
            fired, seconds = await asyncio.get_running_loop().run_in_executor(None, fire)
            changed = await pool.fetchval(
                "SELECT count(*) FROM events WHERE event_type LIKE '%PairHealthChanged%' "
                "AND payload->>'current' = 'at_risk'"
            )
            distinct = await pool.fetchval(
                "SELECT count(DISTINCT stream_id) FROM events WHERE payload->>'current' = 'at_risk'"
            )
        finally:
            await pool.close()
    assert fired == pairs, f"fired {fired} of {pairs}"
    assert changed == distinct == pairs, f"{changed} changes over {distinct} pairs"
    print(
        f"health_sweep_seconds={seconds:.2f} over {pairs:,} pairs "
        f"({processes} x {sweepers} sweepers, batch {batch}, load {load})"
    )
    if write:
        record(
            {"health_sweep_seconds": round(seconds, 2)},
            f".venv/bin/python bench/engagement/health_sweep.py --pairs {pairs} "
            f"--processes {processes} --sweepers {sweepers} --batch {batch}",
            {
                "health_sweep": {
                    "pairs": pairs,
                    "processes": processes,
                    "sweepers": sweepers,
                    "batch": batch,
                    "transitions": changed,
                    "load_average_before": load,
                    "pairs_per_second": round(pairs / seconds),
                }
            },
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=1, help="sweeping processes")
    parser.add_argument("--sweepers", type=int, default=2, help="sweepers in each process")
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--no-write", action="store_true", help="do not update the results file")
    args = parser.parse_args()
    asyncio.run(main(args.pairs, args.processes, args.sweepers, args.batch, not args.no_write))
