"""One trace from an HTTP request through the store, the relay and Kafka to the projection."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import asyncpg
import httpx
from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tandem_events.kafka_producer import EventPublisher
from tandem_events.relay import Relay
from tandem_events.runner import ProjectionRunner
from tandem_events.store import EventStore
from tandem_service.database import connect, create_pool
from tandem_service.telemetry import configure_tracing
from tandem_testkit.owner import CATALOG_LOGS, provision_logs
from tandem_testkit.pair_activity import PairActivity
from tandem_testkit.uvicorn_server import serving

from ..conftest import check_in
from .conftest import pair_created, relay_everything, wait_for


async def test_trace_id_flows_from_request_to_projection(
    activity_pool: asyncpg.Pool,
    activity_dsn: str,
    kafka_bootstrap: str,
    topic_name: Callable[[str], str],
) -> None:
    exporter = InMemorySpanExporter()
    configure_tracing("tracing-test", extra=SimpleSpanProcessor(exporter))
    store = EventStore(activity_pool, "/tandem/test")
    await store.append("pair-t", 0, [pair_created("pair-t")])

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # uvicorn serves on its own thread and loop, so the app opens its own pool.
        pool = await create_pool(activity_dsn)
        app.state.store = EventStore(pool, "/tandem/test")
        yield
        await pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/pairs/{pair_id}/check-ins")
    async def log_check_in(pair_id: str) -> dict[str, int]:
        result = await app.state.store.append(pair_id, 1, [check_in(pair_id)])
        return {"version": result.version}

    FastAPIInstrumentor.instrument_app(app)
    prefix = topic_name("trace") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    runner = ProjectionRunner(
        activity_pool, kafka_bootstrap, PairActivity(), group_id=prefix + "g", topic_prefix=prefix
    )
    conn = await connect(activity_dsn)
    try:
        with serving(app) as url:
            async with httpx.AsyncClient() as client:
                response = await client.post(f"{url}/pairs/pair-t/check-ins")
        assert response.status_code == 200, response.text
        await relay_everything(Relay(activity_dsn, publisher), conn, activity_pool)
        await runner.start()

        async def projected() -> bool:
            return (
                await activity_pool.fetchval(
                    "SELECT check_ins FROM pair_activity WHERE pair_id = 'pair-t'"
                )
                == 1
            )

        await wait_for(projected)
    finally:
        await runner.stop()
        await conn.close()
        await publisher.stop()

    spans = exporter.get_finished_spans()
    server = next(s for s in spans if s.name.startswith("POST /pairs/"))
    trace_id = server.context.trace_id
    names = {s.name for s in spans if s.context.trace_id == trace_id}
    assert {"eventstore append", "project pair_activity"} <= names
    # The relay may publish the two stored events in one pass or in two.
    relayed = {
        link.context.trace_id for s in spans if s.name == "relay publish" for link in s.links
    }
    assert trace_id in relayed
