"""The one bootstrap helper: a service is declared by name, settings, routers, projections,
migrations, write-side adapter, clock and background components; the helper builds its app."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

import asyncpg
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from tandem_events import STORE_MIGRATIONS
from tandem_events.backbone import attach_backbone
from tandem_events.collector import tune_collector
from tandem_events.errors import ConcurrencyError, EventTooLarge
from tandem_events.projection import Projection
from tandem_service.api import dev_clock
from tandem_service.api.errors import domain_error
from tandem_service.app import ExceptionHandler, create_service_app
from tandem_service.background import Background, Started
from tandem_service.clock import Clock, ServiceClock, wall_clock
from tandem_service.commands import CommandContext
from tandem_service.errors import DomainError
from tandem_service.pruning import IdempotencyPruner
from tandem_service.runtime import Runtime
from tandem_service.settings import ServiceSettings
from tandem_service.shared_clock import SharedClock

SERVICE_MIGRATIONS = Path(__file__).parent / "migrations"
KIT_MIGRATIONS = [STORE_MIGRATIONS, SERVICE_MIGRATIONS]

S = TypeVar("S", bound=ServiceSettings)


def _no_tables(conn: asyncpg.Connection) -> asyncpg.Connection:
    return conn


@dataclass(frozen=True)
class ServiceDefinition(Generic[S]):
    """Everything that makes one service different from another."""

    name: str
    settings: type[S]
    description: str
    routers: Sequence[APIRouter] = ()
    # A list, or a function of the settings (analytics keys its pseudonyms with a secret).
    projections: Sequence[Projection] | Callable[[S], Sequence[Projection]] = ()
    migrations: Path | None = None  # default: ``migrations/`` beside the settings module
    tables: Callable[[asyncpg.Connection], Any] = _no_tables
    error_handlers: Mapping[type[Exception], ExceptionHandler] = field(default_factory=dict)
    title: str = ""  # default: "Tandem <name>"
    clock: Callable[[S], Clock] | None = None  # the base clock; default: the wall clock
    background: Sequence[Background[S]] = ()

    @property
    def all_migrations(self) -> list[Path]:
        """The store's, the kit's and the service's own migrations, in that order."""
        own = self.migrations or Path(inspect.getfile(self.settings)).parent / "migrations"
        return [*KIT_MIGRATIONS, own]

    def projections_for(self, settings: S) -> Sequence[Projection]:
        """The projections the service feeds under ``settings``."""
        return self.projections(settings) if callable(self.projections) else self.projections

    def clock_for(self, settings: S, base: Clock | None = None) -> ServiceClock:
        """The service's clock: ``base`` (a test's), the declared one or the wall clock, moved
        by the settings' offset."""
        base = base or (self.clock(settings) if self.clock else wall_clock)
        return ServiceClock(base, timedelta(days=settings.clock_offset_days))

    def build_app(self, settings: S | None = None, clock: Clock | None = None) -> FastAPI:
        """The service's FastAPI application; ``clock`` replaces the declared base clock."""
        own = settings or self.settings()
        service_clock = self.clock_for(own, clock)
        projections = self.projections_for(own)

        async def wire(runtime: Runtime, app: FastAPI) -> None:
            backbone = await attach_backbone(runtime, projections=projections)
            assert runtime.pool is not None
            app.state.backbone = backbone
            app.state.commands = CommandContext.on_postgres(
                runtime.pool, backbone.store, self.tables, service_clock
            )
            if own.dev_clock_enabled:
                # Started first: the other components then run on the shared time.
                app.state.shared_clock = SharedClock(runtime.pool, service_clock, leads=True)
                runtime.components.insert(0, app.state.shared_clock)
            if own.idempotency_prune_seconds:
                keep = timedelta(days=own.idempotency_keep_days)
                pruner = IdempotencyPruner(runtime.pool, keep, own.idempotency_prune_seconds)
                runtime.components.append(pruner)
            started = Started(own, runtime.pool, backbone.store, service_clock, app.state)
            for hook in self.background:
                runtime.components.extend(hook(started))
            if projections:
                tune_collector()  # everything is loaded now; see tandem_events.collector

        handlers: dict[type[Exception], ExceptionHandler] = {
            ConcurrencyError: _conflict,
            EventTooLarge: _too_large,
            DomainError: domain_error,
            **self.error_handlers,
        }
        routers = [*self.routers, dev_clock.router] if own.dev_clock_enabled else self.routers
        app = create_service_app(
            own,
            title=self.title or f"Tandem {self.name}",
            description=self.description,
            routers=routers,
            on_start=wire,
            exception_handlers=handlers,
        )
        app.state.clock = service_clock
        app.state.projections = projections
        return app


async def _conflict(_: Request, exc: ConcurrencyError) -> JSONResponse:
    return JSONResponse({"detail": str(exc), "stream_id": exc.stream_id}, status_code=409)


async def _too_large(_: Request, exc: EventTooLarge) -> JSONResponse:
    return JSONResponse(
        {"detail": str(exc), "event_type": exc.type_name, "bytes": exc.size, "limit": exc.limit},
        status_code=413,
    )
