"""Prometheus metrics: the HTTP middleware and the ``/metrics`` route."""

from __future__ import annotations

import time

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class HttpMetrics:
    """ASGI middleware: count and time every request (5xx included) by its route template.

    Plain ASGI, not Starlette's ``BaseHTTPMiddleware``, which runs every request through a
    task group and memory streams of its own: CPU that every request of every service paid.
    """

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service
        # (method, route, status) -> its counter and histogram: ``labels()`` validates, locks
        # and looks the child up on every call, about 40 us a request; the children never
        # change once made (Prometheus keeps every one it has seen anyway).
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def _metrics_for(self, method: str, template: str, status: int) -> tuple[Counter, Histogram]:
        key = (method, template, status)
        children = self._children.get(key)
        if children is None:
            children = (
                HTTP_REQUESTS.labels(self.service, method, template, str(status)),
                HTTP_LATENCY.labels(self.service, method, template),
            )
            self._children[key] = children
        return children

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, noting the status sent (500 when the app raised)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            # The router records the matched route in the scope it was given (this one).
            template = getattr(scope.get("route"), "path", "unmatched")
            requests, latency = self._metrics_for(scope["method"], template, status)
            requests.inc()
            latency.observe(time.perf_counter() - started)
