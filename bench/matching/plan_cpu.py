"""plan_round alone (no service, no database): CPU and wall seconds per pool size.

Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/matching/plan_cpu.py [--sizes 2000 10000]
The pool is the one bench/matching/rounds.py seeds (same generator and seed), built straight
into candidates with a 9-17 local working day; the policy is the bench program's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rounds import POLICY, people

from tandem_matching.domain.profile import Candidate, Personality, working_window_utc
from tandem_matching.domain.rounds import plan_round
from tandem_matching.domain.scoring import ScoringPolicy


def candidates(n: int) -> list[Candidate]:
    """The bench's pool of n people as the matcher sees them."""
    pool = people("p", n)
    found = []
    for i, person_id in enumerate(pool.ids):
        profile = pool.profiles[i]
        start, hours = working_window_utc(pool.zones[i], 9, 17)
        found.append(
            Candidate(
                person_id=person_id,
                name=f"Person {i}",
                level=int(pool.level[i]),
                department=f"Dept {pool.dept[i]}",
                skills_offered=frozenset(profile["skills_offered"]),
                skills_sought=frozenset(profile["skills_sought"]),
                goals=frozenset(profile["goals"]),
                languages=frozenset(profile["languages"]),
                utc_start=start,
                work_hours=hours,
                personality=Personality(*pool.traits[:, i].tolist()),
            )
        )
    return found


def main() -> None:
    """Plan each size once in this process and print its figures as JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10_000])
    args = parser.parse_args()
    policy = ScoringPolicy.of(None, **POLICY)
    for n in args.sizes:
        pool = candidates(n)
        cpu, wall = time.process_time(), time.perf_counter()
        plan = plan_round(pool, policy)
        row = {
            "n": n,
            "cpu_seconds": round(time.process_time() - cpu, 2),
            "wall_seconds": round(time.perf_counter() - wall, 2),
            "load": round(os.getloadavg()[0], 2),
            "total_score": plan.total_score,
            "lp_bound": plan.quality.lp_bound if plan.quality else None,
        }
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
