"""The services' server span: continues the caller's trace, is current in the route, names it."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, FastAPI
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from tandem_events.tracing import current_trace_headers
from tandem_service.telemetry import server_spans

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


def _app(exporter: InMemorySpanExporter) -> FastAPI:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = FastAPI(telemetry=server_spans(provider))
    router = APIRouter(prefix="/pairs/{pair_id}")

    @router.post("/check-ins")
    async def log_check_in(pair_id: str) -> dict[str, str]:
        return current_trace_headers()  # what an appended event would carry

    @router.post("/fail")
    async def fail(pair_id: str) -> None:
        raise RuntimeError("boom")

    @app.get("/health")
    async def health() -> dict[str, bool]:
        return {"ok": True}

    app.include_router(router)
    return app


async def test_a_request_continues_the_callers_trace_under_its_route_name() -> None:
    exporter = InMemorySpanExporter()
    transport = httpx.ASGITransport(app=_app(exporter))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.post(
            "/pairs/p1/check-ins", headers={"traceparent": f"00-{TRACE_ID}-{CALLER_SPAN}-01"}
        )
        assert (await client.get("/health")).status_code == 200

    (span,) = exporter.get_finished_spans()  # /health is not traced, nor each dependency
    assert span.name == "POST /pairs/{pair_id}/check-ins"
    assert span.kind is SpanKind.SERVER
    assert format(span.context.trace_id, "032x") == TRACE_ID
    assert span.parent is not None
    assert format(span.parent.span_id, "016x") == CALLER_SPAN
    assert span.attributes is not None
    assert span.attributes["http.response.status_code"] == 200
    in_route = answer.json()["traceparent"]
    assert in_route == f"00-{TRACE_ID}-{format(span.context.span_id, '016x')}-01"


async def test_an_unhandled_error_marks_the_span() -> None:
    exporter = InMemorySpanExporter()
    transport = httpx.ASGITransport(app=_app(exporter), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.post("/pairs/p1/fail")).status_code == 500

    (span,) = exporter.get_finished_spans()
    assert span.name == "POST /pairs/{pair_id}/fail"
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["error.type"] == "RuntimeError"  # the details are in the log
