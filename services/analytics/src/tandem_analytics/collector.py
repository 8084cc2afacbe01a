"""The garbage collector, tuned for a consumer that decodes hundreds of thousands of events.

Profiled on a catch-up (bench/analytics): about half of the process's CPU per event was
the cyclic collector, not our code. Each full collection walked every object the imports
created (pydantic models, FastAPI, aiokafka...), and the default gen-0 threshold (700
allocations) ran a collection several times per batch of events. Freezing what exists
once the service has started moves those objects out of the collector's sight, and a
larger gen-0 threshold lets a batch's short-lived objects go in fewer, bigger passes.
Reference counting still frees almost everything at once; only cycles wait a little longer.
"""

from __future__ import annotations

import gc

# Allocations between gen-0 passes, and passes before the older generations are looked at.
THRESHOLDS = (50_000, 50, 100)


def tune_collector() -> None:
    """Freeze the objects that exist now (the loaded code) and raise the thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
