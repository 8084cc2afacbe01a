"""Match rounds through the matching service's API: preview and commit of a whole program, and
the quality report an admin reads; the solver against rustworkx on the same candidate graph.

Run (the shared stack's ports, or your own):
  TANDEM_TEST_KAFKA_BOOTSTRAP=127.0.0.1:39092 \
  TANDEM_TEST_DATABASE_URL=postgresql://tandem:tandem@127.0.0.1:35432/postgres \
  .venv/bin/python bench/matching/rounds.py [--sizes 2000 10000] [--peer-limit 10000]

The service runs in this process (uvicorn on a thread) on a scratch database and topic prefix.
People and enrolments are seeded straight into the write-side tables (what a round reads);
the program, the preview and the commit go through HTTP. "projected" is the time from the
commit's request until every PairCreated is in the pair read model (relay, Kafka, projection).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import numpy as np

from tandem_matching.adapters.postgres import PostgresMatchingTables
from tandem_matching.bootstrap import SERVICE
from tandem_matching.domain.candidates import build_graph, per_group
from tandem_matching.domain.scoring import ScoringPolicy
from tandem_matching.domain.solver import solve
from tandem_matching.handlers.pool import load_pool
from tandem_service.database import connect
from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.eventually import fresh_key
from tandem_testkit.service import running_service

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "matching.json"
KAFKA = os.environ.get("TANDEM_TEST_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
ADMIN_DSN = os.environ.get(
    "TANDEM_TEST_DATABASE_URL", "postgresql://tandem:tandem@127.0.0.1:5432/postgres"
)
COMMAND = ".venv/bin/python bench/matching/rounds.py"
# Office sites: an IANA zone each, with its share of people.
SITES = [
    ("America/Los_Angeles", 0.12),
    ("America/New_York", 0.22),
    ("Europe/London", 0.14),
    ("Europe/Paris", 0.18),
    ("Europe/Athens", 0.08),
    ("Asia/Kolkata", 0.12),
    ("Asia/Singapore", 0.08),
    ("Asia/Tokyo", 0.06),
]
LEVELS = np.array([0.08, 0.14, 0.18, 0.18, 0.16, 0.12, 0.09, 0.05])
SKILLS = [f"skill {i}" for i in range(24)]
GOALS = ["leadership", "public speaking", "sql", "writing", "negotiation", "design review"]
POLICY = {"max_level_gap": 2, "min_overlap_hours": 2.0}

_PEOPLE = """
INSERT INTO people (person_id, name, email, level, department, timezone, languages)
SELECT i, n, i || '@bench.example', lv, d, tz, ARRAY['en']
FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[]) AS u(i, n, lv, d, tz)
"""
_ENROLMENTS = """
INSERT INTO enrolments (program_id, person_id, status, profile, personality)
SELECT $1, i, 'enrolled', p::jsonb, ARRAY[a, b, c, d, e]::smallint[]
FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[])
     AS u(i, p, a, b, c, d, e)
"""


@dataclass(frozen=True)
class People:
    """A synthetic pool as columns: what seed() writes and plan_cpu.py builds candidates of."""

    ids: list[str]
    level: np.ndarray
    zones: list[str]
    dept: np.ndarray
    profiles: list[dict[str, Any]]
    traits: np.ndarray  # 5 × n answers, 1..5


def people(prefix: str, n: int, seed: int = 7) -> People:
    """n people with levels, sites, departments, skills and goals."""
    rng = np.random.default_rng(seed)
    ids = [f"{prefix}-{i:06d}" for i in range(n)]
    zones = [z for z, _ in SITES]
    shares = np.array([s for _, s in SITES])
    level = rng.choice(np.arange(1, 9), size=n, p=LEVELS)
    zone = rng.choice(len(zones), size=n, p=shares / shares.sum())
    dept = rng.integers(0, 12, size=n)
    profiles = [
        {
            "skills_offered": list(rng.choice(SKILLS, size=3, replace=False)),
            "skills_sought": list(rng.choice(SKILLS, size=2, replace=False)),
            "goals": list(rng.choice(GOALS, size=2, replace=False)),
            "languages": ["en"],
            "timezone": zones[zone[i]],
        }
        for i in range(n)
    ]
    traits = rng.integers(1, 6, size=(5, n))
    return People(ids, level, [zones[z] for z in zone], dept, profiles, traits)


async def seed(dsn: str, program_id: str, n: int, seed: int = 7) -> None:
    """n people (see people()), all enrolled."""
    pool = people(program_id, n, seed)
    ids, level, dept, traits = pool.ids, pool.level, pool.dept, pool.traits
    profiles = [json.dumps(p) for p in pool.profiles]
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute(
                _PEOPLE,
                ids,
                [f"Person {i}" for i in range(n)],
                level.tolist(),
                [f"Dept {d}" for d in dept],
                pool.zones,
            )
            await conn.execute(_ENROLMENTS, program_id, ids, profiles, *traits.tolist())
    finally:
        await conn.close()


async def peer_ratio(
    dsn: str, program_id: str, policy: ScoringPolicy, limit: int
) -> dict[str, Any]:
    """Our solver and rustworkx's blossom on the round's own candidate graph."""
    conn = await connect(dsn)
    try:
        pool = await load_pool(PostgresMatchingTables(conn), program_id)
    finally:
        await conn.close()
    ordered = sorted(pool, key=lambda c: c.person_id)
    graph = build_graph(ordered, policy, top_k=per_group(policy))
    started = time.perf_counter()
    ours = solve(graph.n, graph.us, graph.vs, graph.ws)
    result: dict[str, Any] = {
        "edges": int(graph.us.size),
        "solver_seconds": round(time.perf_counter() - started, 3),
        "solver_weight": round(ours.weight, 2),
    }
    if graph.n > limit:
        return result
    import rustworkx as rx

    cents = np.rint(graph.ws * 100).astype(np.int64)
    started = time.perf_counter()
    peer = rx.PyGraph()
    peer.add_nodes_from(range(graph.n))
    peer.add_edges_from(
        list(zip(graph.us.tolist(), graph.vs.tolist(), cents.tolist(), strict=True))
    )
    pairs = rx.max_weight_matching(peer, max_cardinality=True, weight_fn=int)
    seconds = time.perf_counter() - started
    weight = sum(peer.get_edge_data(a, b) for a, b in pairs) / 100
    result.update(
        rustworkx_seconds=round(seconds, 3),
        rustworkx_weight=round(weight, 2),
        speed_ratio=round(seconds / max(result["solver_seconds"], 1e-9), 1),
        weight_ratio=round(ours.weight / weight, 6) if weight else 1.0,
    )
    return result


def load() -> float:
    """The one-minute load average, said with every figure (the machine is shared)."""
    return round(os.getloadavg()[0], 2)


def create_program(admin: httpx.Client, n: int) -> str:
    """The bench's program for n people (through HTTP); its id."""
    program_id = f"bench{n}"
    created = admin.post(
        "/programs",
        json={
            "program_id": program_id,
            "name": f"Bench {n}",
            "purpose": "career_development",
            "starts_on": str(date.today() + timedelta(days=1)),
            "goal_vocabulary": GOALS,
            "policy": POLICY,
        },
        headers=fresh_key(),
    )
    created.raise_for_status()
    return program_id


def bench_size(n: int, peer_limit: int, projected_limit: float = 600) -> dict[str, Any]:
    """Create, seed, preview, commit and wait for the read model, for one program of n people."""
    databases = DatabaseFactory(ADMIN_DSN)
    with (
        tempfile.TemporaryDirectory() as keys,
        running_service(SERVICE, KAFKA, databases, Path(keys)) as service,
    ):
        admin = service.admin()
        program_id = create_program(admin, n)
        asyncio.run(seed(service.dsn, program_id, n))
        row: dict[str, Any] = {"n": n, "load_before": load()}
        started, cpu = time.perf_counter(), time.process_time()
        preview = admin.post(f"/programs/{program_id}/rounds/preview", timeout=1800)
        preview.raise_for_status()
        row["preview_seconds"] = round(time.perf_counter() - started, 3)
        # The service runs in this process: its CPU is most of this (the client's is small).
        row["preview_cpu_seconds"] = round(time.process_time() - cpu, 3)
        row["load_preview"] = load()
        plan = preview.json()
        quality = plan["quality"]
        shown = admin.get(f"/programs/{program_id}").json()["policy"]
        policy = ScoringPolicy.of(
            shown["weights"],
            max_level_gap=shown["max_level_gap"],
            cross_team=shown["cross_team"],
            min_overlap_hours=shown["min_overlap_hours"],
            allow_triads=shown["allow_triads"],
        )
        # Above the limit even our own solver's rerun (the graph built again) is skipped.
        row["peer"] = (
            asyncio.run(peer_ratio(service.dsn, program_id, policy, peer_limit))
            if n <= peer_limit
            else {"skipped": f"above --peer-limit {peer_limit}"}
        )
        row["load_peer"] = load()
        started, cpu = time.perf_counter(), time.process_time()
        commit = admin.post(
            f"/programs/{program_id}/rounds",
            json={"preview_token": plan["token"]},
            headers=fresh_key(),
            timeout=1800,
        )
        commit.raise_for_status()
        row["commit_seconds"] = round(time.perf_counter() - started, 3)
        row["commit_cpu_seconds"] = round(time.process_time() - cpu, 3)
        row["load_commit"] = load()
        print(json.dumps(row), file=sys.stderr, flush=True)  # known so far, if the wait fails
        groups = len(commit.json()["pair_ids"])
        try:
            waited = asyncio.run(_projected(service.dsn, program_id, groups, projected_limit))
            row["projected_seconds"] = round(waited + row["commit_seconds"], 3)
        except TimeoutError as late:
            row["projected_seconds"] = None
            row["projected_error"] = str(late)
        row["load_projected"] = load()
        row["quality"] = {k: v for k, v in quality.items() if k != "unmatched_because"}
        row["quality"]["unmatched"] = len(quality["unmatched_because"])
        row["unmatched_examples"] = dict(list(quality["unmatched_because"].items())[:3])
        return row


async def _projected(dsn: str, program_id: str, groups: int, limit: float) -> float:
    """Seconds until the pair read model holds every pair of the round."""
    started = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        while True:
            found = await conn.fetchval(
                "SELECT count(*) FROM pair_view WHERE program_id = $1", program_id
            )
            if found >= groups:
                return time.perf_counter() - started
            if time.perf_counter() - started > limit:
                raise TimeoutError(f"{found} of {groups} pairs projected after {limit:g} s")
            await asyncio.sleep(0.05)
    finally:
        await conn.close()


def main() -> None:
    """Bench each size, print its figures, and record them as soon as they are known."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10_000])
    parser.add_argument("--peer-limit", type=int, default=10_000, help="largest n for rustworkx")
    parser.add_argument(
        "--no-write", action="store_true", help="print only (a loaded machine's figures)"
    )
    parser.add_argument(
        "--projected-limit", type=float, default=600, help="seconds to wait for the read model"
    )
    args = parser.parse_args()
    for n in args.sizes:
        row = bench_size(n, args.peer_limit, args.projected_limit)
        print(json.dumps(row, indent=1), flush=True)
        if not args.no_write:
            record(row, args.peer_limit)


def record(row: dict[str, Any], peer_limit: int) -> None:
    """Put one size's figures into bench/results/matching.json (other sizes stay)."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    rounds = results.setdefault("rounds", {"sizes": []})
    rounds["command"] = f"{COMMAND} --sizes N --peer-limit {peer_limit}"
    rounds["cores"] = os.cpu_count()
    rounds["sizes"] = sorted(
        [r for r in rounds["sizes"] if r["n"] != row["n"]] + [row], key=lambda r: r["n"]
    )
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
