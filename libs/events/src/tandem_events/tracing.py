"""Trace context across Kafka: W3C ``traceparent``/``tracestate`` in record headers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from opentelemetry import propagate, trace
from opentelemetry.context import Context

tracer = trace.get_tracer("tandem.events")


def current_trace_headers() -> dict[str, str]:
    """The current span's context as W3C header values (empty when no span is active)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return {k: v for k, v in carrier.items() if k in ("traceparent", "tracestate")}


def context_from(values: Mapping[str, str]) -> Context:
    """The remote context carried by ``traceparent``/``tracestate`` values."""
    return propagate.extract(dict(values))


def context_from_headers(headers: Iterable[tuple[str, bytes]]) -> Context:
    """The remote context carried by Kafka record headers."""
    wanted = {"traceparent", "tracestate"}
    return context_from({k: v.decode() for k, v in headers if k in wanted})
