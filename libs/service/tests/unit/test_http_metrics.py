"""The HTTP metrics middleware counts each request under its own route, method and status,
though it keeps the label children it made once."""

from __future__ import annotations

import httpx
from fastapi import FastAPI, Response

from tandem_service.metrics import HTTP_LATENCY, HTTP_REQUESTS, HttpMetrics

SERVICE = "metrics-test"
ROUTE = "/things/{thing_id}"


def counted(status: str) -> float:
    return HTTP_REQUESTS.labels(SERVICE, "POST", ROUTE, status)._value.get()  # type: ignore[attr-defined,no-any-return]


def timed() -> float:
    sample = HTTP_LATENCY.labels(SERVICE, "POST", ROUTE)._sum.get()  # type: ignore[attr-defined]
    return float(sample)


async def test_each_status_is_counted_apart_on_the_same_route() -> None:
    app = FastAPI()

    @app.post(ROUTE)
    async def thing(thing_id: str) -> Response:
        return Response(status_code=404 if thing_id == "missing" else 201)

    app.add_middleware(HttpMetrics, service=SERVICE)
    before = {status: counted(status) for status in ("201", "404")}
    latency_before = timed()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        for path in ("/things/a", "/things/missing", "/things/b", "/things/c"):
            await client.post(path)
    assert counted("201") - before["201"] == 3
    assert counted("404") - before["404"] == 1
    assert timed() > latency_before
