"""Waiting for eventually consistent read models, and fresh idempotency keys."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(probe: Callable[[], T | None], timeout: float = 45.0, every: float = 0.2) -> T:
    """Poll ``probe`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting after {timeout}s (last value: {value!r})")
        time.sleep(every)


def fresh_key() -> dict[str, str]:
    """An ``Idempotency-Key`` header nobody has used."""
    return {"Idempotency-Key": uuid.uuid4().hex}
