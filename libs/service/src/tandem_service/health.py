"""Readiness checks: what each part of a service reports (routes in :mod:`.health_routes`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one readiness check."""

    ok: bool
    detail: str | dict[str, object] = "ok"


ReadinessCheck = Callable[[], Awaitable[CheckResult]]
