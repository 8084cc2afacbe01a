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


class Ours:
    """Our store on an asyncpg pool; writers are asyncio tasks on one event loop."""

    def __init__(self, dsn: str, writers: int, aggregates: int) -> None:
        self.writers = writers
        self._runner = asyncio.Runner()
        self._ids = [f"w{writers}-pair-{i}" for i in range(aggregates)]
        self._pool = self._runner.run(create_pool(dsn, max_size=8))
        self._store = EventStore(self._pool, "/tandem/bench")
        self._runner.run(self._seed())

    async def _seed(self) -> None:  # one event per aggregate
        for chunk in range(0, len(self._ids), 64):
            await asyncio.gather(
                *(
                    self._store.append(i, 0, [_check_in(i, 1)])
                    for i in self._ids[chunk : chunk + 64]
                )
            )

    def round(self, commands: int, advance: Any) -> tuple[int, float]:
        return self._runner.run(self._round(commands, advance))

    async def _round(self, commands: int, advance: Any) -> tuple[int, float]:
        store, per_writer = self._store, commands // self.writers

        async def writer(w: int) -> None:
            mine = self._ids[w :: self.writers]
            for k in range(per_writer):
                pair_id = mine[k % len(mine)]
                count, version = await store.load(pair_id, 0, _count)  # load
                event = _check_in(pair_id, count + 1)  # decide
                await store.append(pair_id, version, [event])  # append + commit
                advance()

        timer = Timer()
        await asyncio.gather(*(writer(w) for w in range(self.writers)))
        return per_writer * self.writers, timer.elapsed()

    def close(self) -> None:
        self._runner.run(self._pool.close())
        self._runner.close()


# ---------------------------------------------------------------------- eventsourcing


class Peer:
    """The ``eventsourcing`` application; writers are threads (the library is synchronous)."""

    def __init__(self, dsn: str, writers: int, aggregates: int) -> None:
        self.writers = writers
        self._app = app_for(dsn, pool_size=8)
        with ThreadPoolExecutor(max_workers=8) as seeders:
            names = [f"w{writers}-pair-{i}" for i in range(aggregates)]
            self._ids = list(seeders.map(self._app.create, names))

    def round(self, commands: int, advance: Any) -> tuple[int, float]:
        per_writer = commands // self.writers
        lock = threading.Lock()

        def writer(w: int) -> None:
            mine = self._ids[w :: self.writers]
            for k in range(per_writer):
                self._app.log_check_in(mine[k % len(mine)])
                with lock:
                    advance()

        timer = Timer()
        with ThreadPoolExecutor(max_workers=self.writers) as pool:
            for f in [pool.submit(writer, w) for w in range(self.writers)]:
                f.result()
        return per_writer * self.writers, timer.elapsed()

    def close(self) -> None:
        self._app.close()


def compare(
    ours_dsn: str, es_dsn: str, writers: int, aggregates: int, commands: int, rounds: int, bar: Any
) -> tuple[float, float]:
    """Alternate ours and the peer round by round, so both see the same machine."""
    sides = {
        "ours": Ours(ours_dsn, writers, aggregates),
        "eventsourcing": Peer(es_dsn, writers, aggregates),
    }
    totals = {name: [0, 0.0] for name in sides}
    tasks = {
        name: bar.add_task(f"{name}, {writers} writer(s)", total=commands, rate="")
        for name in sides
    }
    try:
        for _ in range(rounds):
            for name, side in sides.items():
                done, seconds = side.round(commands // rounds, lambda n=name: bar.advance(tasks[n]))
                totals[name][0] += done
                totals[name][1] += seconds
                bar.update(tasks[name], rate=f"{totals[name][0] / totals[name][1]:,.0f} cmd/s")
    finally:
        for side in sides.values():
            side.close()
    mine, peer = (totals[n][0] / totals[n][1] for n in ("ours", "eventsourcing"))
    return mine, peer


# ------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parser(__doc__ or "").parse_args(argv)
    aggregates = 16 if args.quick else 256
    commands = {1: 80 if args.quick else 3000, 8: 160 if args.quick else 6000}
    rounds = 1 if args.quick else 5
    figures: dict[str, float] = {}
    with (
        scratch_database("bench_events") as ours_dsn,
        scratch_database("bench_events_es", migrate=False) as es_dsn,
        progress() as bar,
    ):
        for writers in (1, 8):
            mine, peer = compare(
                ours_dsn, es_dsn, writers, aggregates, commands[writers], rounds, bar
            )
            suffix = "" if writers == 1 else f"_{writers}"
            figures[f"append_eps{suffix}"] = round(mine, 1)
            figures[f"eventsourcing_append_eps{suffix}"] = round(peer, 1)
            figures[f"append_ratio{suffix}"] = round(mine / peer, 2)
    detail = {
        "append": {
            "aggregates": aggregates,
            "commands": f"{commands[1]:,} (1 writer) / {commands[8]:,} (8 writers)",
            "note": (
                f"Ours and the peer alternate in {rounds} rounds per writer count, so both "
                "see the same (shared, noisy) machine; each figure is total commands over "
                "total time."
            ),
        }
    }
    finish(args, figures, detail)
    return figures


if __name__ == "__main__":
    os.environ.setdefault("OTEL_SDK_DISABLED", "true")
    main()
