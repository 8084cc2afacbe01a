"""The one bootstrap helper: a service is declared by name, settings, routers, projections,
migrations, write-side adapter and error handlers; the helper builds its app from that."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from tandem_events import STORE_MIGRATIONS
from tandem_events.backbone import attach_backbone
from tandem_events.errors import ConcurrencyError
from tandem_events.projection import Projection
from tandem_service.api.errors import domain_error
from tandem_service.app import ExceptionHandler, create_service_app
from tandem_service.commands import CommandContext
from tandem_service.errors import DomainError
from tandem_service.runtime import Runtime
from tandem_service.settings import ServiceSettings

SERVICE_MIGRATIONS = Path(__file__).parent / "migrations"
KIT_MIGRATIONS = [STORE_MIGRATIONS, SERVICE_MIGRATIONS]


def _no_tables(conn: asyncpg.Connection) -> asyncpg.Connection:
    return conn


@dataclass(frozen=True)
class ServiceDefinition:
    """Everything that makes one service different from another."""

    name: str
    settings: type[ServiceSettings]
    description: str
    routers: Sequence[APIRouter] = ()
    projections: Sequence[Projection] = ()
    migrations: Path | None = None  # default: ``migrations/`` beside the settings module
    tables: Callable[[asyncpg.Connection], Any] = _no_tables
    error_handlers: Mapping[type[Exception], ExceptionHandler] = field(default_factory=dict)
    title: str = ""  # default: "Tandem <name>"

    @property
    def all_migrations(self) -> list[Path]:
        """The store's, the kit's and the service's own migrations, in that order."""
        own = self.migrations or Path(inspect.getfile(self.settings)).parent / "migrations"
        return [*KIT_MIGRATIONS, own]

    def build_app(self, settings: ServiceSettings | None = None) -> FastAPI:
        """The service's FastAPI application."""

        async def wire(runtime: Runtime, app: FastAPI) -> None:
            backbone = await attach_backbone(runtime, projections=self.projections)
            assert runtime.pool is not None
            app.state.backbone = backbone
            app.state.commands = CommandContext.on_postgres(
                runtime.pool, backbone.store, self.tables
            )

        handlers: dict[type[Exception], ExceptionHandler] = {
            ConcurrencyError: _conflict,
            DomainError: domain_error,
            **self.error_handlers,
        }
        return create_service_app(
            settings or self.settings(),
            title=self.title or f"Tandem {self.name}",
            description=self.description,
            routers=self.routers,
            on_start=wire,
            exception_handlers=handlers,
        )


async def _conflict(_: Request, exc: ConcurrencyError) -> JSONResponse:
    return JSONResponse({"detail": str(exc), "stream_id": exc.stream_id}, status_code=409)
