"""Prometheus metrics: the HTTP middleware and the ``/metrics`` route."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

HTTP_REQUESTS = Counter(
    "tandem_http_requests_total", "HTTP requests served", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "tandem_http_request_seconds", "HTTP request latency", ["service", "method", "route"]
)

metrics_router = APIRouter()


@metrics_router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    """Prometheus exposition of this process's metrics."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def http_metrics_middleware(
    service: str,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """Count and time every request (5xx included) by its route template, not its raw path."""

    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        status = 500  # what the client gets when the app raises: count it too
        try:
            response = await call_next(request)
            status = response.status_code
        finally:
            template = getattr(request.scope.get("route"), "path", "unmatched")
            HTTP_REQUESTS.labels(service, request.method, template, str(status)).inc()
            HTTP_LATENCY.labels(service, request.method, template).observe(
                time.perf_counter() - started
            )
        return response

    return middleware
