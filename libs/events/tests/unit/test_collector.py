"""The consumers' collector tuning: loaded code frozen, gen-0 passes far apart."""

from __future__ import annotations

import gc

from tandem_events.collector import THRESHOLDS, tune_collector


def test_tuning_freezes_what_is_loaded_and_spaces_the_young_passes() -> None:
    before = gc.get_threshold()
    try:
        tune_collector()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == THRESHOLDS
        # A batch's decoded events (about 15 containers each) fit between two passes.
        assert THRESHOLDS[0] >= 10_000 * 15
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
