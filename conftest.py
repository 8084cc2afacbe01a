"""Suite-wide settings: how many examples a property test gets, and whether they are random.

The budget is a profile: `unit` (the default, what `make unit` runs in seconds) or `thorough`
(`HYPOTHESIS_PROFILE=thorough`, what `make test` runs). Tests do not set `max_examples`
themselves, so one switch moves every property test. In CI the examples are derandomized: a
gate must not pass or fail by chance; development runs explore new examples each time.
"""

from __future__ import annotations

import os

from hypothesis import settings

BUDGETS = {"unit": 25, "thorough": 100}

for name, examples in BUDGETS.items():
    settings.register_profile(
        name,
        max_examples=examples,
        deadline=None,
        derandomize=bool(os.environ.get("CI")),
        print_blob=True,
    )
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "unit"))
