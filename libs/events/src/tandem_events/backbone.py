"""Wiring the event backbone into a service: store, publisher, relay, projection runners.

The service kit's bootstrap helper calls :func:`attach_backbone` for every service, so each has
the same shape:
its store is its outbox, its relay publishes, its runners feed its read models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from tandem_events.backbone_settings import BackboneSettings
from tandem_events.catalog import TOPICS
from tandem_events.kafka_producer import EventPublisher
from tandem_events.projection import Projection
from tandem_events.relay import Relay
from tandem_events.runner import ProjectionRunner
from tandem_events.store import EventStore
from tandem_events.topics import provision_topics, topic_drift, topic_plan
from tandem_service.health import CheckResult, ReadinessCheck
from tandem_service.logging import get_logger
from tandem_service.runtime import Runtime
from tandem_service.settings import ServiceSettings

log = get_logger("tandem.backbone")


@dataclass
class EventBackbone:
    """A service's handle on its events."""

    store: EventStore
    publisher: EventPublisher
    relay: Relay
    runners: list[ProjectionRunner] = field(default_factory=list)


async def attach_backbone(
    runtime: Runtime, *, projections: Sequence[Projection] = ()
) -> EventBackbone:
    """Create the backbone on the runtime's pool and register its parts and readiness."""
    settings = runtime.settings
    assert runtime.pool is not None
    pool = runtime.pool
    source = f"/tandem/{settings.service_name}"
    publisher = EventPublisher(
        settings.kafka_bootstrap,
        client_id=f"{settings.service_name}-relay",
        topic_prefix=settings.topic_prefix,
        **settings.kafka_options(),
    )
    plan = _plan(settings, projections)

    async def provision() -> list[str]:
        return await provision_topics(
            settings.kafka_bootstrap,
            plan,
            partitions=settings.kafka_partitions,
            replication=settings.kafka_replication_factor,
            **settings.kafka_options(),
        )

    relay = Relay(
        settings.database_url.get_secret_value(),
        publisher,
        name=f"{settings.service_name}-outbox",
        provision=provision,
    )
    backbone = EventBackbone(EventStore(pool, source), publisher, relay)
    if settings.relay_enabled:
        runtime.components.extend([publisher, relay])

        async def relay_check() -> CheckResult:
            pending = await relay.pending(pool)
            return CheckResult(
                pending <= settings.ready_max_lag, {"pending": pending, "leader": relay.is_leader}
            )

        runtime.checks["relay"] = relay_check
    if settings.consumers_enabled:
        for projection in projections:
            runner = ProjectionRunner(
                pool,
                settings.kafka_bootstrap,
                projection,
                group_id=f"{settings.topic_prefix}tandem.{settings.service_name}.{projection.name}",
                topic_prefix=settings.topic_prefix,
                kafka_options=settings.kafka_options(),
                park_horizon=timedelta(hours=BackboneSettings().park_horizon_hours),
            )
            backbone.runners.append(runner)
            runtime.components.append(runner)
        if backbone.runners:
            runtime.checks["consumers"] = _lag_check(backbone.runners, settings.ready_max_lag)

    async def topics_check() -> CheckResult:
        drift = await topic_drift(
            settings.kafka_bootstrap,
            plan,
            partitions=settings.kafka_partitions,
            **settings.kafka_options(),
        )
        return CheckResult(not drift, {"differences": drift})

    runtime.checks["topics"] = topics_check
    try:
        created = await provision()
    except Exception as exc:  # the broker may come later: the relay provisions before publishing
        log.warning("topics not provisioned", error=str(exc))
    else:
        if created:
            log.info("topics created", topics=created)
    return backbone


def _plan(
    settings: ServiceSettings, projections: Sequence[Projection]
) -> dict[str, dict[str, str]]:
    own = [t for t in TOPICS if t == f"{settings.service_name}.events"]
    consumed = sorted({t for p in projections for t in p.topics})
    return topic_plan(own, consumed, settings.topic_prefix)


def _lag_check(runners: list[ProjectionRunner], max_lag: int) -> ReadinessCheck:
    async def check() -> CheckResult:
        results = {r.projection.name: r.readiness(max_lag) for r in runners}
        return CheckResult(
            all(r.ok for r in results.values()), {name: r.detail for name, r in results.items()}
        )

    return check
