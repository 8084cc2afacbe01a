"""The garbage collector, tuned for a consumer that decodes hundreds of thousands of events.

Profiled on a catch-up (bench/analytics): about half of the process's CPU per event was
the cyclic collector, not our code. Each full collection walked every object the imports
created (pydantic models, FastAPI, aiokafka...), and the default gen-0 threshold (700
allocations) ran a collection several times per batch of events. Freezing what exists
once the service has started moves those objects out of the collector's sight.

A batch's decoded events all live until the batch commits, so every gen-0 pass walks the
ones decoded so far and promotes them: with a threshold of 50,000 each event was walked
about once more than needed, 10-15 us per event (py-spy, and the CPU per event with the
collector off). At 300,000 a pass comes once every couple of batches and finds mostly the
batch in flight; reference counting still frees nearly everything at once, and only
cycles wait a little longer. Every service with projections calls this once started.
"""

from __future__ import annotations

import gc

# Allocations between gen-0 passes, and passes before the older generations are looked at.
THRESHOLDS = (300_000, 20, 100)


def tune_collector() -> None:
    """Freeze the objects that exist now (the loaded code) and raise the thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
