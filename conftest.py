"""Suite-wide settings: in CI, property tests replay a fixed sequence of examples."""

from __future__ import annotations

import os

from hypothesis import settings

# Exploration belongs to development runs; a CI gate must not pass or fail by chance.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
