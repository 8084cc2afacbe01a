"""OpenTelemetry setup: OTLP export when an endpoint is configured, otherwise no exporter."""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

if TYPE_CHECKING:
    from fastapi.telemetry import TelemetryConfig

# Probes and scrapes: frequent, and no trace would tell anything about them.
UNTRACED = frozenset({"/health", "/ready", "/metrics"})


def _untraced(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in UNTRACED


def server_spans(provider: trace.TracerProvider | None = None) -> TelemetryConfig:
    """FastAPI's own telemetry as the services use it: one server span per request, named
    ``METHOD /route/{template}``, continuing the caller's trace and current while the route
    runs (so appended events carry it to Kafka); nothing else.

    FastAPI's spans around each dependency, the endpoint and serialisation, and the
    contrib FastAPI instrumentation used before (it matched the route a second time to name
    its span and wrapped every send), cost about a sixth of a check-in's CPU. HTTP metrics
    stay with Prometheus.
    """
    return {
        "tracer_provider": provider,
        "tracing": True,
        "metrics": False,
        "logs": False,
        "operation_spans": False,
        "exclude": _untraced,
    }


def configure_tracing(service: str, extra: SpanProcessor | None = None) -> TracerProvider:
    """Install a tracer provider for this process and return it.

    Spans are always created (so trace context propagates through HTTP and Kafka even when
    nothing exports); they leave the process only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set.
    """
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        provider = current
    else:
        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
        trace.set_tracer_provider(provider)
        if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    if extra is not None:
        provider.add_span_processor(extra)
    return provider
