"""Where a round preview's time goes: the request through HTTP, then its parts in-process.

Run (the shared stack's ports, or your own):
  OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/matching/preview_parts.py [--size 10000] [--runs 3]

The service, program and pool are the ones bench/matching/rounds.py makes. Each preview's
wall and CPU seconds (this process: the service runs in it), then the parts the handler runs,
called one after the other on one connection: loading the pool, hashing it (beside the plan in
the service), planning, and saving the preview (rolled back). Prints JSON lines; records
nothing. Quote the load with the figures: CPU is the steadier one on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rounds import ADMIN_DSN, KAFKA, POLICY, SERVICE, create_program, seed

from tandem_matching.adapters.postgres import PostgresMatchingTables
from tandem_matching.domain.round_record import StoredPreview, plan_as_json, pool_hash
from tandem_matching.domain.rounds import plan_round
from tandem_matching.domain.scoring import ScoringPolicy
from tandem_matching.handlers.pool import load_pool
from tandem_service.database import connect
from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.service import running_service


def _since(wall: float, cpu: float) -> list[float]:
    return [round(time.perf_counter() - wall, 3), round(time.process_time() - cpu, 3)]


async def parts(dsn: str, program_id: str) -> dict[str, Any]:
    """[wall, CPU] seconds of each part of a preview, and the round's total and bound."""
    conn = await connect(dsn)
    found: dict[str, Any] = {}
    try:
        tables = PostgresMatchingTables(conn)
        started = time.perf_counter(), time.process_time()
        pool = await load_pool(tables, program_id)
        found["pool"] = _since(*started)
        started = time.perf_counter(), time.process_time()
        digest = pool_hash(pool)
        found["hash"] = _since(*started)
        started = time.perf_counter(), time.process_time()
        plan = plan_round(pool, ScoringPolicy.of(None, **POLICY))
        found["plan"] = _since(*started)
        kept = StoredPreview("parts", program_id, 1, digest, plan_as_json(plan))
        saving = conn.transaction()
        await saving.start()
        started = time.perf_counter(), time.process_time()
        await tables.save_preview(kept)
        found["save"] = _since(*started)
        await saving.rollback()  # timed, not kept
    finally:
        await conn.close()
    quality = plan.quality
    found["total_score"] = plan.total_score
    found["lp_bound"] = quality.lp_bound if quality else None
    return found


def main() -> None:
    """Seed one program, then time its previews and their parts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as keys,
        running_service(SERVICE, KAFKA, DatabaseFactory(ADMIN_DSN), Path(keys)) as service,
    ):
        admin = service.admin()
        program_id = create_program(admin, args.size)
        asyncio.run(seed(service.dsn, program_id, args.size))
        for _ in range(args.runs):
            started = time.perf_counter(), time.process_time()
            admin.post(f"/programs/{program_id}/rounds/preview", timeout=600).raise_for_status()
            row = {"preview": _since(*started), "load": os.getloadavg()[0]}
            print(json.dumps(row), flush=True)
        for _ in range(args.runs):
            row = asyncio.run(parts(service.dsn, program_id)) | {"load": os.getloadavg()[0]}
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
