"""Commands per second: load the stream, decide, append one event, commit.

Ours (``tandem_events.store.EventStore`` on asyncpg) against the ``eventsourcing`` library's
PostgreSQL application, on the same server in the same run, with 1 and 8 concurrent writers.

    .venv/bin/python bench/events/append.py [--quick]
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Timer, finish, parser, progress, scratch_database
from _es_app import app_for
from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.store import EventStore
from tandem_service.database import create_pool

WHEN = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
MET_ON = date(2026, 11, 24)


# ----------------------------------------------------------------------------- ours


def _check_in(pair_id: str, n: int) -> CheckInLogged:
    return CheckInLogged(
        occurred_at=WHEN,
        actor_id="p-1",
        pair_id=pair_id,
        check_in_id=f"{pair_id}-c{n}",
        met_on=MET_ON,
        duration_minutes=30,
    )


def _count(state: int, _event: Any) -> int:
    return state + 1


async def ours(dsn: str, writers: int, aggregates: int, commands: int, bar: Any) -> float:
    pool = await create_pool(dsn, max_size=8)
    store = EventStore(pool, "/tandem/bench")
    tag = f"w{writers}"
    ids = [f"{tag}-pair-{i}" for i in range(aggregates)]
    try:
        for chunk in range(0, aggregates, 64):  # seed: one event per aggregate
            await asyncio.gather(
                *(store.append(i, 0, [_check_in(i, 1)]) for i in ids[chunk : chunk + 64])
            )
        task = bar.add_task(f"ours, {writers} writer(s)", total=commands, rate="")
        per_writer = commands // writers

        async def writer(w: int) -> None:
            mine = ids[w::writers]
            for k in range(per_writer):
                pair_id = mine[k % len(mine)]
                count, version = await store.load(pair_id, 0, _count)  # load
                event = _check_in(pair_id, count + 1)  # decide
                await store.append(pair_id, version, [event])  # append + commit
                bar.advance(task)

        timer = Timer()
        await asyncio.gather(*(writer(w) for w in range(writers)))
        elapsed = timer.elapsed()
        rate = per_writer * writers / elapsed
        bar.update(task, rate=f"{rate:,.0f} cmd/s")
        return rate
    finally:
        await pool.close()


# ---------------------------------------------------------------------- eventsourcing


def eventsourcing(dsn: str, writers: int, aggregates: int, commands: int, bar: Any) -> float:
    app = app_for(dsn, pool_size=8)
    try:
        with ThreadPoolExecutor(max_workers=8) as seeders:
            ids = list(seeders.map(app.create, [f"w{writers}-pair-{i}" for i in range(aggregates)]))
        task = bar.add_task(f"eventsourcing, {writers} thread(s)", total=commands, rate="")
        per_writer = commands // writers
        lock = threading.Lock()

        def writer(w: int) -> None:
            mine = ids[w::writers]
            for k in range(per_writer):
                app.log_check_in(mine[k % len(mine)])
                with lock:
                    bar.advance(task)

        timer = Timer()
        with ThreadPoolExecutor(max_workers=writers) as pool:
            for f in [pool.submit(writer, w) for w in range(writers)]:
                f.result()
        elapsed = timer.elapsed()
        rate = per_writer * writers / elapsed
        bar.update(task, rate=f"{rate:,.0f} cmd/s")
        return rate
    finally:
        app.close()


# ------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parser(__doc__ or "").parse_args(argv)
    aggregates = 16 if args.quick else 256
    commands = {1: 80 if args.quick else 3000, 8: 160 if args.quick else 6000}
    figures: dict[str, float] = {}
    with (
        scratch_database("bench_events") as ours_dsn,
        scratch_database("bench_events_es", migrate=False) as es_dsn,
        progress() as bar,
    ):
        for writers in (1, 8):
            mine = asyncio.run(ours(ours_dsn, writers, aggregates, commands[writers], bar))
            peer = eventsourcing(es_dsn, writers, aggregates, commands[writers], bar)
            suffix = "" if writers == 1 else f"_{writers}"
            figures[f"append_eps{suffix}"] = round(mine, 1)
            figures[f"eventsourcing_append_eps{suffix}"] = round(peer, 1)
            figures[f"append_ratio{suffix}"] = round(mine / peer, 2)
    detail = {
        "append": {
            "aggregates": aggregates,
            "commands": f"{commands[1]:,} (1 writer) / {commands[8]:,} (8 writers)",
            "note": "",
        }
    }
    finish(args, figures, detail)
    return figures


if __name__ == "__main__":
    os.environ.setdefault("OTEL_SDK_DISABLED", "true")
    main()
