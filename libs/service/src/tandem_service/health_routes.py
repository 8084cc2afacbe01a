"""Liveness and readiness: ``/health`` says the process runs, ``/ready`` that it can serve."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tandem_service.health import CheckResult, ReadinessCheck


def health_router(checks: dict[str, ReadinessCheck], timeout: float = 3.0) -> APIRouter:
    """Routes ``/health`` and ``/ready``; readiness runs every check concurrently."""
    router = APIRouter(tags=["operations"])

    @router.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the process is up."""
        return {"status": "ok"}

    @router.get("/ready")
    async def ready() -> JSONResponse:
        """Readiness: the database, Kafka and consumer lag are within bounds."""
        names: Sequence[str] = list(checks)
        results = await asyncio.gather(*(_run(checks[n], timeout) for n in names))
        body = {n: {"ok": r.ok, "detail": r.detail} for n, r in zip(names, results, strict=True)}
        ok = all(r.ok for r in results)
        return JSONResponse(
            {"status": "ready" if ok else "unavailable", "checks": body},
            status_code=200 if ok else 503,
        )

    return router


async def _run(check: ReadinessCheck, limit: float) -> CheckResult:
    try:
        return await asyncio.wait_for(check(), limit)
    except TimeoutError:
        return CheckResult(False, f"timed out after {limit:.0f}s")
    except Exception as exc:
        return CheckResult(False, f"{type(exc).__name__}: {exc}")
